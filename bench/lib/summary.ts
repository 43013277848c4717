/** Slot records → per-workload medians, ratios to the bare framework, and the targets. */
import { bareOf, OTEL_ABSENT, OTEL_VARIANTS, type Contender } from './contenders.js'

export const WORKLOADS = ['same', 'pool', 'unique', 'invalid', 'opaque'] as const
export type Workload = (typeof WORKLOADS)[number]

/** What one slot (one contender, one workload, one round) measured. */
export interface SlotRecord {
  workload: Workload
  contender: string
  round: number
  /** Responses per second over the slot. */
  reqPerSec: number
  completed: number
  sent: number
  durationS: number
  statuses: Record<string, number>
  /** Responses whose status was not the one this workload must get. */
  unexpected: number
  errors: number
  timeouts: number
  non2xx: number
  /** Server CPU (utime + stime) over the slot, in clock ticks. */
  cpuTicks: number
  /** Server CPU per request sent, µs. */
  cpuUsPerRequest: number
  /** Server CPU over the slot ÷ slot duration, % of one core. */
  serverCpuPercent: number
  /** Requests received by the issuer's JWKS, discovery and introspection endpoints. */
  jwksFetches: number
  discoveryFetches: number
  introspections: number
  /** The workload's single-use tokens ran out for this contender during the slot. */
  tokensExhausted: boolean
}

export interface SummaryRow {
  workload: Workload
  contender: string
  family: string
  bare: boolean
  rounds: number
  reqPerSecMedian: number
  ratioToBare: number | null
  cpuUsPerRequestMedian: number
  authCpuUsPerRequest: number | null
  serverCpuPercentMedian: number
  completed: number
  non2xx: number
  unexpected: number
  errors: number
  timeouts: number
  jwksFetches: number
  discoveryFetches: number
  introspections: number
  tokensExhausted: boolean
  /** req/s of each round, in order, e.g. "5120 / 5230 / 5010". */
  perRound: string
  /** req/s and CPU µs per request by round number, for ratios paired round by round. */
  byRound: Map<number, { reqPerSec: number; cpu: number }>
}

/**
 * The median over rounds of `f(a, b)` for the rounds both rows ran: slots of one round are
 * seconds apart, so a ratio within a round is spared most of the drift of a shared machine that
 * a ratio of medians taken over the whole run would carry.
 */
export function pairedMedian(
  a: SummaryRow,
  b: SummaryRow,
  f: (a: { reqPerSec: number; cpu: number }, b: { reqPerSec: number; cpu: number }) => number,
): number {
  const values: number[] = []
  for (const [round, mine] of a.byRound) {
    const theirs = b.byRound.get(round)
    if (theirs) values.push(f(mine, theirs))
  }
  return median(values)
}

/** req/s of `a` ÷ req/s of `b`, paired round by round (median). */
export const pairedRatio = (a: SummaryRow, b: SummaryRow) =>
  pairedMedian(a, b, (x, y) => x.reqPerSec / y.reqPerSec)

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const sum = (records: readonly SlotRecord[], pick: (r: SlotRecord) => number) =>
  records.reduce((total, r) => total + pick(r), 0)

export function summarize(
  records: readonly SlotRecord[],
  contenders: readonly Contender[],
  workloads: readonly Workload[],
): SummaryRow[] {
  const rows: SummaryRow[] = []
  for (const workload of workloads) {
    const base = new Map<string, SummaryRow>()
    const partial: SummaryRow[] = []
    for (const contender of contenders) {
      const mine = records
        .filter((r) => r.workload === workload && r.contender === contender.name)
        .sort((a, b) => a.round - b.round)
      if (mine.length === 0) continue
      const row: SummaryRow = {
        workload,
        contender: contender.name,
        family: contender.family,
        bare: contender.bare,
        rounds: mine.length,
        reqPerSecMedian: median(mine.map((r) => r.reqPerSec)),
        ratioToBare: null,
        cpuUsPerRequestMedian: median(mine.map((r) => r.cpuUsPerRequest)),
        authCpuUsPerRequest: null,
        serverCpuPercentMedian: median(mine.map((r) => r.serverCpuPercent)),
        completed: sum(mine, (r) => r.completed),
        non2xx: sum(mine, (r) => r.non2xx),
        unexpected: sum(mine, (r) => r.unexpected),
        errors: sum(mine, (r) => r.errors),
        timeouts: sum(mine, (r) => r.timeouts),
        jwksFetches: sum(mine, (r) => r.jwksFetches),
        discoveryFetches: sum(mine, (r) => r.discoveryFetches),
        introspections: sum(mine, (r) => r.introspections),
        tokensExhausted: mine.some((r) => r.tokensExhausted),
        perRound: mine.map((r) => Math.round(r.reqPerSec)).join(' / '),
        byRound: new Map(
          mine.map((r) => [r.round, { reqPerSec: r.reqPerSec, cpu: r.cpuUsPerRequest }]),
        ),
      }
      if (contender.bare) base.set(contender.family, row)
      partial.push(row)
    }
    for (const row of partial) {
      const bare = base.get(row.family)
      if (bare) {
        row.ratioToBare = pairedRatio(row, bare)
        row.authCpuUsPerRequest = pairedMedian(row, bare, (x, y) => x.cpu - y.cpu)
      }
    }
    rows.push(...partial)
  }
  return rows
}

export interface TargetResult {
  /** What is compared, e.g. "same: bearerguard-express ÷ bare-express req/s". */
  target: string
  /** The figures, e.g. "0.91 (14,020 / 15,400 req/s)". */
  figures: string
  /** The threshold, e.g. "≥ 0.85". */
  threshold: string
  status: 'PASS' | 'MISS' | 'n/a'
}

const fmt = (value: number, digits = 2) => value.toFixed(digits)
const int = (value: number) => Math.round(value).toLocaleString('en-US')

/** One telemetry variant of bearerguard-express next to the API-absent one, in one workload. */
export interface TelemetryCostRow {
  workload: Workload
  /** `bearerguard-express-otel-api` or `-otel-sdk`. */
  variant: string
  /** Medians over rounds, the variant's and bearerguard-express's (API absent). */
  reqPerSec: number
  absentReqPerSec: number
  /** The variant's req/s ÷ the absent one's, paired round by round (median). */
  reqPerSecRatio: number
  /** Auth CPU µs per request (over bare-express, paired), the variant's and the absent one's. */
  authCpu: number | null
  absentAuthCpu: number | null
  /** authCpu ÷ absentAuthCpu (of the medians, as the issue-14 auth CPU target). */
  authCpuRatio: number | null
  /** The variant's CPU µs per request − the absent one's, paired round by round (median). */
  cpuDelta: number
}

/** What the OpenTelemetry API alone, and an SDK, cost bearerguard-express (issue 18). */
export function telemetryCost(rows: readonly SummaryRow[]): TelemetryCostRow[] {
  const out: TelemetryCostRow[] = []
  for (const workload of WORKLOADS) {
    const absent = rows.find((r) => r.workload === workload && r.contender === OTEL_ABSENT)
    if (!absent) continue
    for (const variant of OTEL_VARIANTS) {
      const row = rows.find((r) => r.workload === workload && r.contender === variant)
      if (!row) continue
      out.push({
        workload,
        variant,
        reqPerSec: row.reqPerSecMedian,
        absentReqPerSec: absent.reqPerSecMedian,
        reqPerSecRatio: pairedRatio(row, absent),
        authCpu: row.authCpuUsPerRequest,
        absentAuthCpu: absent.authCpuUsPerRequest,
        authCpuRatio:
          row.authCpuUsPerRequest !== null && absent.authCpuUsPerRequest !== null
            ? row.authCpuUsPerRequest / absent.authCpuUsPerRequest
            : null,
        cpuDelta: pairedMedian(row, absent, (x, y) => x.cpu - y.cpu),
      })
    }
  }
  return out
}

/**
 * The targets the lead set, evaluated on this run's medians. `otelAbsent`: whether the check
 * before timing found `@opentelemetry/api` unimportable in bearerguard-express's process
 * (undefined: not run).
 */
export function evaluateTargets(rows: readonly SummaryRow[], otelAbsent?: boolean): TargetResult[] {
  const find = (workload: Workload, contender: string) =>
    rows.find((r) => r.workload === workload && r.contender === contender)
  const results: TargetResult[] = []
  const check = (
    target: string,
    threshold: string,
    value: () => { figures: string; pass: boolean } | undefined,
  ) => {
    const outcome = value()
    results.push(
      outcome
        ? { target, threshold, figures: outcome.figures, status: outcome.pass ? 'PASS' : 'MISS' }
        : { target, threshold, figures: 'not measured in this run', status: 'n/a' },
    )
  }
  const reqRatio = (a: SummaryRow | undefined, b: SummaryRow | undefined, min: number) =>
    a && b
      ? {
          figures: `${fmt(pairedRatio(a, b))} (medians ${int(a.reqPerSecMedian)} / ${int(b.reqPerSecMedian)} req/s)`,
          pass: pairedRatio(a, b) >= min,
        }
      : undefined

  for (const workload of ['same', 'pool'] as const) {
    for (const [adapter, min] of [
      ['express', 0.85],
      ['koa', 0.6],
      ['fastify', 0.6],
      ['nestjs', 0.8],
      ['hono', 0.6],
    ] as const) {
      const name = `bearerguard-${adapter}`
      check(`${workload}: ${name} ÷ ${bareOf(adapter)}, req/s`, `≥ ${min}`, () =>
        reqRatio(find(workload, name), find(workload, bareOf(adapter)), min),
      )
    }
    for (const adapter of ['express', 'koa'] as const) {
      const name = `bearerguard-${adapter}`
      check(`${workload}: ${name} ÷ express-oauth2-jwt-bearer, req/s`, '≥ 1.8', () =>
        reqRatio(find(workload, name), find(workload, 'express-oauth2-jwt-bearer'), 1.8),
      )
    }
  }

  const reference = find('unique', 'express-oauth2-jwt-bearer')
  for (const adapter of ['express', 'koa'] as const) {
    const name = `bearerguard-${adapter}`
    const mine = find('unique', name)
    check(`unique: ${name} auth CPU ÷ express-oauth2-jwt-bearer auth CPU`, '≤ 0.8', () =>
      mine?.authCpuUsPerRequest != null && reference?.authCpuUsPerRequest != null
        ? {
            figures: `${fmt(mine.authCpuUsPerRequest / reference.authCpuUsPerRequest)} (${fmt(mine.authCpuUsPerRequest, 1)} / ${fmt(reference.authCpuUsPerRequest, 1)} µs per request)`,
            pass: mine.authCpuUsPerRequest <= 0.8 * reference.authCpuUsPerRequest,
          }
        : undefined,
    )
    check(`unique (stretch): ${name} auth CPU per request`, '≤ 100 µs', () =>
      mine?.authCpuUsPerRequest != null
        ? {
            figures: `${fmt(mine.authCpuUsPerRequest, 1)} µs`,
            pass: mine.authCpuUsPerRequest <= 100,
          }
        : undefined,
    )
  }

  for (const adapter of ['express', 'koa'] as const) {
    const name = `bearerguard-${adapter}`
    const invalid = find('invalid', name)
    const unique = find('unique', name)
    check(
      `invalid: ${name} CPU per request with a bad signature ÷ with a valid unseen token (unique)`,
      '≤ 1.00',
      () =>
        invalid && unique
          ? {
              figures: `${fmt(pairedMedian(invalid, unique, (x, y) => x.cpu / y.cpu))} (medians ${fmt(invalid.cpuUsPerRequestMedian, 1)} / ${fmt(unique.cpuUsPerRequestMedian, 1)} µs per request)`,
              pass: pairedMedian(invalid, unique, (x, y) => x.cpu / y.cpu) <= 1,
            }
          : undefined,
    )
  }
  for (const adapter of ['express', 'koa'] as const) {
    const invalid = find('invalid', `bearerguard-${adapter}`)
    check(`invalid: JWKS fetches during bearerguard-${adapter}'s slots`, '= 0', () =>
      invalid ? { figures: `${invalid.jwksFetches}`, pass: invalid.jwksFetches === 0 } : undefined,
    )
  }
  for (const adapter of ['express', 'koa'] as const) {
    const name = `bearerguard-${adapter}`
    check(`opaque: ${name} with warm introspection cache ÷ same-token JWT, req/s`, '≥ 0.9', () =>
      reqRatio(find('opaque', name), find('same', name), 0.9),
    )
  }
  // issue 18: without the API core takes the very path of `telemetry: false` (README, "Telemetry
  // cost"), so "absent costs nothing" holds when the API is really absent from the process
  check(
    `API absent costs nothing: @opentelemetry/api not importable in ${OTEL_ABSENT}'s process, so its guard runs the telemetry: false path (the figures above are without telemetry)`,
    'API not importable (checked before timing)',
    () =>
      otelAbsent === undefined
        ? undefined
        : {
            figures: otelAbsent ? 'not importable' : 'importable: the figures include telemetry',
            pass: otelAbsent,
          },
  )
  return results
}
