/**
 * Turns what a soak run observed into the report: figures, the checks and the verdict, as a
 * machine-readable object (`--json`) and as text for stdout.
 */
import { PHASE_DESCRIPTIONS, type Flapper, type FaultPhase } from './flapper.js'
import type { HeapSample } from './protocol.js'
import type { LatencySummary, Recorder } from './recorder.js'
import { ALLOWED_STATUSES, KIND_DESCRIPTIONS, KINDS, type Kind } from './tokens.js'

export interface SoakSettings {
  adapter: string
  durationS: number
  warmupS: number
  connections: number
  upS: number
  downS: number
  graceS: number
  /** Delay of the `slow` outages, ms. */
  slowDelayMs: number
  /** The outage during which the keys rotate (1 = the first); 0: no rotation. */
  rotateIn: number
  rotateAfterS: number
  settleS: number
  maxHeapGrowthPercent: number
  guard: {
    timeoutMs: number
    jwksCacheMaxAge: number
    introspectionCacheTtl: number
    introspectionCacheMax: number
  }
  pools: Record<string, number>
  mix: readonly Kind[]
}

export interface SoakObservations {
  settings: SoakSettings
  machine: {
    cpus: number
    cpuModel: string
    platform: string
    node: string
    /** 1-minute load average when the run started and when it ended */
    loadAverage: { start: number; end: number }
  }
  startedAt: number
  finishedAt: number
  recorder: Recorder
  flapper: Flapper
  autocannon: { errors: number; timeouts: number; requestsSent: number; mismatches: number }
  /** Calls that reached the issuer during the measured run (failed ones included). */
  issuerCalls: { jwks: number; introspection: number; discovery: number }
  heapBefore: HeapSample
  heapAfter: HeapSample | undefined
  server: {
    pid: number | undefined
    /** still running after the load (never exited) */
    alive: boolean
    exit: { code: number | null; signal: string | null } | undefined
    /** final probes after the load, with the server up */
    healthStatus: number | undefined
    validTokenStatus: number | undefined
    /** a token signed by the rotated-in key, when the keys rotated */
    rotatedTokenStatus: number | undefined
    output: string
  }
  tokens: { freshUsed: number; freshShortfall: number }
  warmup: { requests: number; byStatus: Record<string, number>; freshOpaqueTokens: number }
}

export interface Check {
  name: string
  pass: boolean
  detail: string
}

export interface SoakReport {
  verdict: 'PASS' | 'FAIL'
  date: string
  machine: SoakObservations['machine']
  settings: SoakSettings
  load: {
    requests: number
    elapsedS: number
    requestsPerSecond: number
    errors: number
    timeouts: number
    byStatus: Record<string, number>
    byKind: Record<Kind, Record<string, number>>
    latencyMs: { all: LatencySummary; inOutage: LatencySummary; outsideOutage: LatencySummary }
  }
  outages: {
    count: number
    /** seconds since the start of the measured run */
    windows: Array<{
      kind: FaultPhase
      startS: number
      endS: number | undefined
      calls: { jwks: number; introspection: number }
    }>
    /** calls that reached the issuer during the whole run, and during its outages */
    issuerCalls: {
      total: SoakObservations['issuerCalls']
      duringOutages: { jwks: number; introspection: number }
    }
    status503: { total: number; inOutage: number; inGrace: number; outside: number }
    /** first few 503s outside any outage window (+ grace), seconds since the start */
    outsideExamplesS: number[]
  }
  /** valid JWTs (`valid-jwt` and `rotated-jwt`): the answers they must never get */
  validTokens: {
    answered: number
    status401: number
    status503OutsideOutages: number
  }
  /** the key rotation, seconds since the start of the measured run */
  rotation:
    | {
        atS: number
        outage: { kind: FaultPhase; startS: number; endS: number | undefined } | undefined
        reachableAtS: number | undefined
        firstAcceptedAtS: number | undefined
        /** from the server being reachable again to the first 200 for a rotated-key token */
        reachableToAcceptedS: number | undefined
        /** answers to rotated-key tokens before the server was reachable, and after it */
        answers: { beforeReachable: Record<string, number>; afterReachable: Record<string, number> }
      }
    | undefined
  heap: {
    beforeMB: number
    afterMB: number | undefined
    changePercent: number | undefined
    before: HeapSample
    after: HeapSample | undefined
  }
  server: Omit<SoakObservations['server'], 'output'>
  tokens: SoakObservations['tokens']
  warmup: SoakObservations['warmup']
  checks: Check[]
  timeline: ReturnType<Recorder['timeline']>
}

const MB = 1024 * 1024
/** The contract: a key rotated in is accepted within 5 s of the server being reachable again. */
const ROTATION_BOUND_S = 5
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

export function buildReport(o: SoakObservations): SoakReport {
  const { recorder: r, flapper, settings } = o
  const graceMs = settings.graceS * 1000
  const elapsedS = (o.finishedAt - o.startedAt) / 1000
  const byStatus = r.byStatus()
  const byKind = r.byKind()
  const rel = (t: number) => round((t - o.startedAt) / 1000)

  const status503 = { total: 0, inOutage: 0, inGrace: 0, outside: 0 }
  const outsideExamplesS: number[] = []
  for (let i = 0; i < r.count; i++) {
    if (r.statuses[i] !== 503) continue
    const t = r.times[i] as number
    status503.total += 1
    if (flapper.inOutage(t)) status503.inOutage += 1
    else if (flapper.covers(t, graceMs)) status503.inGrace += 1
    else {
      status503.outside += 1
      if (outsideExamplesS.length < 10) outsideExamplesS.push(rel(t))
    }
  }

  const validKinds = new Set([KINDS.indexOf('valid-jwt'), KINDS.indexOf('rotated-jwt')])
  const validTokens = { answered: 0, status401: 0, status503OutsideOutages: 0 }
  for (let i = 0; i < r.count; i++) {
    if (!validKinds.has(r.kinds[i] as number)) continue
    validTokens.answered += 1
    if (r.statuses[i] === 401) validTokens.status401 += 1
    if (r.statuses[i] === 503 && !flapper.covers(r.times[i] as number, graceMs)) {
      validTokens.status503OutsideOutages += 1
    }
  }
  const rotation = rotationFigures(o, rel)

  const other5xx = Object.entries(byStatus).filter(([s]) => s.startsWith('5') && s !== '503')
  const unexpected: string[] = []
  for (const kind of KINDS) {
    for (const [status, n] of Object.entries(byKind[kind])) {
      if (!ALLOWED_STATUSES[kind].includes(Number(status)))
        unexpected.push(`${kind} → ${status} ×${n}`)
    }
  }
  const heapChange =
    o.heapAfter && ((o.heapAfter.heapUsed - o.heapBefore.heapUsed) / o.heapBefore.heapUsed) * 100
  const count = (s: number) => byStatus[`${s}`] ?? 0

  const checks: Check[] = [
    {
      name: 'server never crashed and still answers',
      pass:
        o.server.alive &&
        o.server.healthStatus === 200 &&
        o.server.validTokenStatus === 200 &&
        (rotation === undefined || o.server.rotatedTokenStatus === 200),
      detail: o.server.alive
        ? `alive; GET /health → ${o.server.healthStatus ?? 'no answer'}, valid token → ${o.server.validTokenStatus ?? 'no answer'}${rotation ? `, rotated-key token → ${o.server.rotatedTokenStatus ?? 'no answer'}` : ''}`
        : `exited (code ${o.server.exit?.code ?? '-'}, signal ${o.server.exit?.signal ?? '-'})`,
    },
    {
      name: 'no 5xx other than 503',
      pass: other5xx.length === 0,
      detail: other5xx.length ? other5xx.map(([s, n]) => `${s} ×${n}`).join(', ') : 'none',
    },
    {
      name: `no 503 outside an outage (+${settings.graceS} s grace)`,
      pass: status503.outside === 0,
      detail: `${status503.total} × 503: ${status503.inOutage} during outages, ${status503.inGrace} in the grace period, ${status503.outside} outside${outsideExamplesS.length ? ` (at ${outsideExamplesS.join(', ')} s)` : ''}`,
    },
    {
      name: 'no valid token answered 401',
      pass: validTokens.status401 === 0,
      detail: `${validTokens.status401} of ${validTokens.answered} valid tokens answered 401; ${validTokens.status503OutsideOutages} answered 503 outside an outage (+${settings.graceS} s grace)`,
    },
    ...(settings.rotateIn > 0
      ? [
          {
            name: `a key rotated in during an outage is accepted within ${ROTATION_BOUND_S} s of the server being reachable again`,
            pass:
              rotation?.reachableToAcceptedS !== undefined &&
              rotation.reachableToAcceptedS <= ROTATION_BOUND_S,
            detail: rotationDetail(rotation),
          },
        ]
      : []),
    {
      name: 'the mix ran: 200s, 401s and 403s all occurred',
      pass: count(200) > 0 && count(401) > 0 && count(403) > 0,
      detail: `200 ×${count(200)}, 401 ×${count(401)}, 403 ×${count(403)}`,
    },
    {
      name: `heap after within ${settings.maxHeapGrowthPercent}% of heap before`,
      pass: heapChange !== undefined && heapChange <= settings.maxHeapGrowthPercent,
      detail:
        heapChange === undefined
          ? 'no heap figures after the run'
          : `${round(o.heapBefore.heapUsed / MB)} MB → ${round((o.heapAfter?.heapUsed ?? 0) / MB)} MB (${heapChange >= 0 ? '+' : ''}${round(heapChange, 1)}%)`,
    },
    {
      name: 'every answer fits its credential (a valid JWT never gets a 401 or a 503, …)',
      pass: unexpected.length === 0,
      detail: unexpected.length ? unexpected.join(', ') : 'all as expected',
    },
    {
      name: 'no connection errors or timeouts',
      pass: o.autocannon.errors === 0 && o.autocannon.timeouts === 0,
      detail: `${o.autocannon.errors} errors, ${o.autocannon.timeouts} timeouts`,
    },
  ]

  const inOutage = (i: number) => flapper.inOutage(r.times[i] as number)
  const { output: _output, ...server } = o.server
  return {
    verdict: checks.every((c) => c.pass) ? 'PASS' : 'FAIL',
    date: new Date(o.startedAt).toISOString(),
    machine: o.machine,
    settings,
    load: {
      requests: r.count,
      elapsedS: round(elapsedS),
      requestsPerSecond: round(r.count / elapsedS, 0),
      errors: o.autocannon.errors,
      timeouts: o.autocannon.timeouts,
      byStatus,
      byKind,
      latencyMs: {
        all: r.latencySummary(),
        inOutage: r.latencySummary(inOutage),
        outsideOutage: r.latencySummary((i) => !inOutage(i)),
      },
    },
    outages: {
      count: flapper.windows.length,
      windows: flapper.windows.map((w) => ({
        kind: w.kind,
        startS: rel(w.start),
        endS: w.end === undefined ? undefined : rel(w.end),
        calls: w.calls,
      })),
      issuerCalls: {
        total: o.issuerCalls,
        duringOutages: {
          jwks: flapper.windows.reduce((n, w) => n + w.calls.jwks, 0),
          introspection: flapper.windows.reduce((n, w) => n + w.calls.introspection, 0),
        },
      },
      status503,
      outsideExamplesS,
    },
    validTokens,
    rotation,
    heap: {
      beforeMB: round(o.heapBefore.heapUsed / MB),
      afterMB: o.heapAfter && round(o.heapAfter.heapUsed / MB),
      changePercent: heapChange === undefined ? undefined : round(heapChange, 1),
      before: o.heapBefore,
      after: o.heapAfter,
    },
    server,
    tokens: o.tokens,
    warmup: o.warmup,
    checks,
    timeline: r.timeline(o.startedAt),
  }
}

/** When the keys rotated, when the server was reachable again, when the new key was accepted. */
function rotationFigures(o: SoakObservations, rel: (t: number) => number): SoakReport['rotation'] {
  const { recorder: r, flapper } = o
  const rotation = flapper.rotation
  if (!rotation) return undefined
  const outage = flapper.windows.find(
    (w) => rotation.at >= w.start && (w.end === undefined || rotation.at <= w.end),
  )
  const rotated = KINDS.indexOf('rotated-jwt')
  const before = new Map<number, number>()
  const after = new Map<number, number>()
  let firstAccepted: number | undefined
  for (let i = 0; i < r.count; i++) {
    if (r.kinds[i] !== rotated) continue
    const t = r.times[i] as number
    const status = r.statuses[i] as number
    const counts = rotation.reachableAt === undefined || t < rotation.reachableAt ? before : after
    counts.set(status, (counts.get(status) ?? 0) + 1)
    if (status === 200 && firstAccepted === undefined) firstAccepted = t
  }
  const asRecord = (counts: Map<number, number>) =>
    Object.fromEntries([...counts].sort(([a], [b]) => a - b).map(([s, n]) => [`${s}`, n]))
  return {
    atS: rel(rotation.at),
    outage: outage && {
      kind: outage.kind,
      startS: rel(outage.start),
      endS: outage.end === undefined ? undefined : rel(outage.end),
    },
    reachableAtS: rotation.reachableAt === undefined ? undefined : rel(rotation.reachableAt),
    firstAcceptedAtS: firstAccepted === undefined ? undefined : rel(firstAccepted),
    reachableToAcceptedS:
      firstAccepted === undefined || rotation.reachableAt === undefined
        ? undefined
        : round(Math.max(0, firstAccepted - rotation.reachableAt) / 1000),
    answers: { beforeReachable: asRecord(before), afterReachable: asRecord(after) },
  }
}

function rotationDetail(rotation: SoakReport['rotation']): string {
  if (!rotation) return 'the keys never rotated (the run ended before that outage)'
  const where = rotation.outage
    ? `during outage ${rotation.outage.startS}–${rotation.outage.endS ?? '…'} s (${rotation.outage.kind})`
    : 'while the server was up'
  return `rotated at ${rotation.atS} s ${where}; reachable at ${rotation.reachableAtS ?? '—'} s; first accepted at ${rotation.firstAcceptedAtS ?? 'never'} s → ${rotation.reachableToAcceptedS === undefined ? '—' : `${rotation.reachableToAcceptedS} s`}`
}

const statuses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([s, n]) => `${s} ×${n}`)
    .join(', ') || '—'
const lat = (l: LatencySummary) =>
  l.count === 0
    ? '—'
    : `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${l.count} responses)`

export function formatReport(report: SoakReport): string {
  const { settings: s, load, outages, heap } = report
  const lines = [
    '',
    `bearerguard soak — ${report.date}`,
    `machine: ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.platform}, Node ${report.machine.node}; load average ${report.machine.loadAverage.start} at the start, ${report.machine.loadAverage.end} at the end`,
    `adapter: ${s.adapter}; ${s.durationS} s after ${s.warmupS} s warm-up; ${s.connections} connections; authorization server up ${s.upS} s / down ${s.downS} s, every endpoint by turns: ${(['down', 'slow', '500', 'html'] as const).map((k) => `${k} (${k === 'slow' ? `answers after ${s.slowDelayMs} ms` : PHASE_DESCRIPTIONS[k]})`).join(', ')}; keys rotated ${s.rotateIn > 0 ? `${s.rotateAfterS} s into outage ${s.rotateIn}` : 'never'}`,
    `guard: timeout ${s.guard.timeoutMs} ms, jwksCacheMaxAge ${s.guard.jwksCacheMaxAge} s, introspection cache ttl ${s.guard.introspectionCacheTtl} s, max ${s.guard.introspectionCacheMax}`,
    '',
    `requests: ${load.requests} in ${load.elapsedS} s = ${load.requestsPerSecond} req/s (${load.errors} errors, ${load.timeouts} timeouts)`,
    `by status: ${statuses(load.byStatus)}`,
    'by credential:',
    ...KINDS.map(
      (k) => `  ${k.padEnd(14)} ${statuses(load.byKind[k]).padEnd(24)} ${KIND_DESCRIPTIONS[k]}`,
    ),
    `warm-up: ${report.warmup.requests} requests (${statuses(report.warmup.byStatus)}), ${report.warmup.freshOpaqueTokens} fresh opaque tokens`,
    `fresh opaque tokens sent: ${report.tokens.freshUsed}${report.tokens.freshShortfall ? ` (${report.tokens.freshShortfall} times none was ready; a pooled one was sent)` : ''}`,
    `latency, all:              ${lat(load.latencyMs.all)}`,
    `latency, during outages:   ${lat(load.latencyMs.inOutage)}`,
    `latency, outside outages:  ${lat(load.latencyMs.outsideOutage)}`,
    `outages: ${outages.count}${outages.count ? ` (${outages.windows.map((w) => `${w.startS}–${w.endS ?? '…'} s ${w.kind}`).join(', ')})` : ''}`,
    `valid tokens answered 401: ${report.validTokens.status401} of ${report.validTokens.answered}; answered 503 outside an outage (+${s.graceS} s grace): ${report.validTokens.status503OutsideOutages}`,
    ...(report.rotation
      ? [
          `key rotation: ${rotationDetail(report.rotation)}`,
          `  rotated-key tokens before the server was reachable: ${statuses(report.rotation.answers.beforeReachable)}; after: ${statuses(report.rotation.answers.afterReachable)}`,
          `time from server reachable to the rotated key being accepted: ${report.rotation.reachableToAcceptedS === undefined ? '—' : `${report.rotation.reachableToAcceptedS} s`}`,
        ]
      : []),
    `calls to the authorization server: JWKS ${outages.issuerCalls.total.jwks} (${outages.issuerCalls.duringOutages.jwks} during outages), introspection ${outages.issuerCalls.total.introspection} (${outages.issuerCalls.duringOutages.introspection} during outages), discovery ${outages.issuerCalls.total.discovery}`,
    `heap (after GC): ${heap.beforeMB} MB before → ${heap.afterMB ?? '?'} MB after (${heap.changePercent === undefined ? '?' : `${heap.changePercent >= 0 ? '+' : ''}${heap.changePercent}%`})`,
    '',
    ...report.checks.map((c) => `${c.pass ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`),
    '',
    `verdict: ${report.verdict}`,
    '',
  ]
  return lines.join('\n')
}
