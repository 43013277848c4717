/**
 * `pnpm bench`: throughput and server CPU of bearerguard's Express and Koa adapters next to the
 * bare frameworks and other JWT middleware, every contender a server child process on
 * 127.0.0.1, driven by autocannon from here in short slots: each round runs one slot of every
 * workload for every contender, so drift over the run touches every figure alike.
 *
 *   pnpm bench [--rounds 5] [--slot 2] [--only <contender,...>] [--workloads <workload,...>]
 *              [--connections 50] [--warmup 1] [--unique-cap 60000] [--out <dir>]
 *
 * Writes <out>/RESULTS.md and <out>/results.json (default out: bench/). All traffic stays on
 * 127.0.0.1 and every slot ends by itself.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runChecks, sendEach, type CheckResult } from './lib/checks.js'
import { CONTENDERS, OTEL_ABSENT, type Contender } from './lib/contenders.js'
import { runLoad } from './lib/load.js'
import { clockTicksPerSecond } from './lib/proc-cpu.js'
import { loadText, machineInfo, writeResults, type RunInfo } from './lib/report.js'
import { buildPackages, ServerProcess, type Packages } from './lib/server-process.js'
import {
  evaluateTargets,
  summarize,
  telemetryCost,
  WORKLOADS,
  type SlotRecord,
  type Workload,
} from './lib/summary.js'
import {
  badSignatureTokens,
  opaqueTokens,
  TOKEN_HEADER,
  validToken,
  validTokens,
} from './lib/tokens.js'

const AUDIENCE = 'https://orders.bench.example'
const POOL_SIZE = 1_000
const OPAQUE_POOL_SIZE = 1_000
/** Tokens each contender sees once before the timed slots of a workload (JIT, caches). */
const WARM_TOKENS = 200
/** Pause after a slot before the server's CPU is read: in-flight requests finish. */
const SETTLE_MS = 150

const USAGE = `usage: pnpm bench [options]

  --rounds <n>             rounds; each round runs one slot per workload and contender (default 5)
  --slot <s>               seconds per slot (default 2)
  --only <a,b,...>         contenders to run (their bare baselines are added); default all:
                           ${CONTENDERS.map((c) => c.name).join(', ')}
  --workloads <a,b,...>    default ${WORKLOADS.join(',')}
  --connections <n>        autocannon connections (default 50; pipelining is always 1)
  --warmup <s>             untimed load per contender before round 1 (default 1)
  --unique-cap <n>         most single-use tokens signed for "unique" (default 60000)
  --out <dir>              where RESULTS.md and results.json go (default bench/)
  --packages <built|source>
                           bearerguard as users install it, compiled by tsc into dist/ (built
                           first; the default), or its TypeScript sources through tsx
`

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))

interface Options {
  rounds: number
  slotS: number
  contenders: Contender[]
  workloads: Workload[]
  connections: number
  warmupS: number
  uniqueCap: number
  outDir: string
  packages: Packages
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '5' },
      slot: { type: 'string', default: '2' },
      only: { type: 'string' },
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '1' },
      'unique-cap': { type: 'string', default: '60000' },
      out: { type: 'string', default: BENCH_DIR },
      packages: { type: 'string', default: 'built' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const integer = (name: string, text: string, min: number, max: number) => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got ${text}`)
    }
    return value
  }
  const list = (text: string) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')

  let contenders = [...CONTENDERS]
  if (values.only !== undefined) {
    const wanted = new Set(list(values.only))
    for (const name of wanted) {
      if (!CONTENDERS.some((c) => c.name === name)) {
        throw new RangeError(`--only: unknown contender ${name}`)
      }
    }
    const families = new Set(CONTENDERS.filter((c) => wanted.has(c.name)).map((c) => c.family))
    contenders = CONTENDERS.filter((c) => wanted.has(c.name) || (c.bare && families.has(c.family)))
  }
  if (values.packages !== 'built' && values.packages !== 'source') {
    throw new RangeError(`--packages must be built or source, got ${values.packages}`)
  }
  const packages: Packages = values.packages
  const workloads = list(values.workloads)
  for (const w of workloads) {
    if (!(WORKLOADS as readonly string[]).includes(w)) {
      throw new RangeError(`--workloads: unknown workload ${w} (known: ${WORKLOADS.join(', ')})`)
    }
  }
  return {
    packages,
    rounds: integer('rounds', values.rounds, 1, 50),
    slotS: integer('slot', values.slot, 1, 60),
    contenders,
    // always in the documented order: "unique" is sized from the "same"/"pool" figures
    workloads: WORKLOADS.filter((w) => workloads.includes(w)),
    connections: integer('connections', values.connections, 1, 1_000),
    warmupS: integer('warmup', values.warmup, 0, 60),
    uniqueCap: integer('unique-cap', values['unique-cap'], 1_000, 1_000_000),
    outDir: resolve(values.out),
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

/** The contenders that take part in a workload: "opaque" is for introspecting ones + baselines. */
function contendersOf(workload: Workload, all: readonly Contender[]): Contender[] {
  if (workload !== 'opaque') return [...all]
  const introspecting = all.filter((c) => c.introspection)
  const families = new Set(introspecting.map((c) => c.family))
  return all.filter((c) => c.introspection || (c.bare && families.has(c.family)))
}

/** A contender's order of play in a round: rotated each round so no one is always first. */
function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return []
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

interface TokenSource {
  /** The next token for this contender. */
  next(contender: Contender): () => string
  /** Single-use tokens this contender has left (undefined: reusable tokens). */
  remaining(contender: Contender): number | undefined
}

/** Round-robin over a shared list: every contender may see a token many times. */
function reusable(tokens: readonly string[]): TokenSource {
  let i = 0
  return {
    next: () => () => tokens[i++ % tokens.length] as string,
    remaining: () => undefined,
  }
}

/**
 * Each contender walks the list from its own cursor, across rounds, so it sees each token once.
 * Baselines ignore tokens: they wrap around instead of running out.
 */
function singleUse(tokens: readonly string[]): TokenSource {
  const cursors = new Map<string, number>()
  return {
    next: (contender) => () => {
      const at = cursors.get(contender.name) ?? 0
      cursors.set(contender.name, at + 1)
      return tokens[contender.bare ? at % tokens.length : Math.min(at, tokens.length - 1)] as string
    },
    remaining: (contender) =>
      contender.bare ? undefined : Math.max(0, tokens.length - (cursors.get(contender.name) ?? 0)),
  }
}

function expectedStatus(workload: Workload, contender: Contender): number {
  return workload === 'invalid' && !contender.bare ? 401 : 200
}

interface Prepared {
  workload: Workload
  players: Contender[]
  source: TokenSource
  /** Sent once to every player before round 1, untimed. */
  warmTokens: readonly string[]
  /** Sent again, untimed, before each slot of a contender that caches tokens (keeps it warm). */
  refresh: readonly string[] | undefined
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const startedAt = new Date()
  const loadBefore = loadavg()
  const clk = clockTicksPerSecond()
  const machine = machineInfo(loadBefore, clk)
  const { rounds, slotS, connections } = options
  const slotCount = options.workloads.reduce(
    (n, w) => n + contendersOf(w, options.contenders).length * rounds,
    0,
  )
  log(
    `bench: ${options.contenders.length} contenders, workloads ${options.workloads.join(',')}, ` +
      `${rounds} rounds × ${slotS} s slots (${slotCount} slots, ≈${Math.ceil((slotCount * (slotS + 0.4)) / 60)} min of load)`,
  )
  log(`bench: load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`)
  if (options.packages === 'built') {
    log('bench: building the packages (tsc -b): bearerguard runs from dist/, as users install it')
    buildPackages()
  }
  machine.packages = options.packages

  const issuer = await createTestIssuer({
    algorithms: ['RS256'],
    audience: AUDIENCE,
    // long enough for the whole run, so pre-signed tokens stay valid to the end
    tokenTtl: 3_600,
  })
  const servers = new Map<string, ServerProcess>()
  const serverOf = (contender: Contender) => servers.get(contender.name) as ServerProcess
  const records: SlotRecord[] = []
  const checks: Array<{ contender: string; results: CheckResult[] }> = []
  const notes: string[] = []
  const roundLoads: RunInfo['roundLoads'] = []
  const warmRates = new Map<string, number>()
  let uniqueSigned = 0
  let signingS = 0

  try {
    const tokenStart = Date.now()
    const same = await validToken(issuer, 'same-user')
    const pool = await validTokens(issuer, POOL_SIZE, 'pool-user')
    const checkTokens = {
      valid: same,
      noScope: await issuer.token(
        { sub: 'no-scope', scope: 'orders:write' },
        { header: TOKEN_HEADER },
      ),
      badSignature: badSignatureTokens(same, 1)[0] as string,
      opaque: await issuer.opaqueToken({ sub: 'opaque-check', scope: 'orders:read' }),
    }
    log(
      `bench: ${POOL_SIZE + 2} tokens signed in ${((Date.now() - tokenStart) / 1000).toFixed(1)} s`,
    )

    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE }
    for (const contender of options.contenders) {
      servers.set(
        contender.name,
        await ServerProcess.start(BENCH_DIR, contender, env, options.packages),
      )
    }
    log(`bench: ${servers.size} servers listening`)

    for (const contender of options.contenders) {
      const results = await runChecks(contender, serverOf(contender).url, checkTokens)
      checks.push({ contender: contender.name, results })
      const failed = results.filter((r) => !r.ok)
      const otel = results.find((r) => r.name === 'OpenTelemetry')
      log(
        `check ${contender.name}: ` +
          (failed.length === 0
            ? `ok${otel ? ` (OpenTelemetry: ${otel.got})` : ''}`
            : failed.map((r) => `${r.name} → ${r.got} (expected ${r.expected})`).join('; ')),
      )
    }

    if (options.warmupS > 0) {
      const source = reusable(pool)
      for (const contender of options.contenders) {
        const load = await runLoad({
          url: serverOf(contender).url,
          connections,
          durationS: options.warmupS,
          nextToken: source.next(contender),
        })
        warmRates.set(contender.name, load.completed / Math.max(load.durationS, 0.1))
      }
      log(`bench: warmed up (${options.warmupS} s each)`)
    }

    // every workload's tokens, made before round 1
    const prepared: Prepared[] = []
    for (const workload of options.workloads) {
      const players = contendersOf(workload, options.contenders)
      switch (workload) {
        case 'same':
          prepared.push({
            workload,
            players,
            source: reusable([same]),
            warmTokens: [same],
            refresh: undefined,
          })
          break
        case 'pool':
          prepared.push({
            workload,
            players,
            source: reusable(pool),
            warmTokens: pool,
            refresh: pool,
          })
          break
        case 'unique': {
          const count = uniqueTokenCount(warmRates, options)
          const signStart = Date.now()
          log(`unique: signing ${count.toLocaleString('en-US')} tokens (+${WARM_TOKENS} warm-up)`)
          const tokens = await validTokens(issuer, count + WARM_TOKENS, 'unique-user', (done) =>
            log(`unique: ${done.toLocaleString('en-US')} signed`),
          )
          signingS = (Date.now() - signStart) / 1000
          uniqueSigned = count
          log(`unique: signed in ${signingS.toFixed(1)} s`)
          prepared.push({
            workload,
            players,
            source: singleUse(tokens.slice(0, count)),
            warmTokens: tokens.slice(count),
            refresh: undefined,
          })
          break
        }
        case 'invalid': {
          const tokens = badSignatureTokens(same, options.uniqueCap + WARM_TOKENS)
          prepared.push({
            workload,
            players,
            source: singleUse(tokens.slice(0, options.uniqueCap)),
            warmTokens: tokens.slice(options.uniqueCap),
            refresh: undefined,
          })
          break
        }
        case 'opaque': {
          const tokens = await opaqueTokens(issuer, OPAQUE_POOL_SIZE)
          // the introspection cache keeps results 60 s by default: refreshed before each slot
          prepared.push({
            workload,
            players,
            source: reusable(tokens),
            warmTokens: tokens,
            refresh: tokens,
          })
          break
        }
      }
    }

    for (const { workload, players, warmTokens } of prepared) {
      for (const contender of players) {
        const seen = await sendEach(serverOf(contender).url, warmTokens)
        const expected = expectedStatus(workload, contender)
        const wrong = [...seen].filter(([status]) => status !== expected)
        if (wrong.length > 0) {
          const what = wrong.map(([status, n]) => `${n}× ${status}`).join(', ')
          notes.push(
            `${workload}, ${contender.name}: warm-up answers other than ${expected}: ${what}`,
          )
          log(`${workload} warm-up ${contender.name}: ${what} (expected ${expected})`)
        }
      }
    }
    log('bench: every workload warmed up')

    // every workload in every round, so drift over the run touches every figure alike
    for (let round = 1; round <= rounds; round++) {
      const [load1, load5, load15] = loadavg() as [number, number, number]
      roundLoads.push({ round, load1, load5, load15, at: new Date().toISOString() })
      log(
        `round ${round}: load average ${load1.toFixed(2)} ${load5.toFixed(2)} ${load15.toFixed(2)}`,
      )
      for (const { workload, players, source, refresh } of prepared) {
        for (const contender of rotate(players, round - 1)) {
          const server = serverOf(contender)
          if (!server.alive) throw new Error(`${contender.name} died:\n${server.stderrTail}`)
          // single-use tokens: this round's share of what the contender has left
          const left = source.remaining(contender)
          const share = left === undefined ? undefined : Math.floor(left / (rounds - round + 1))
          if (share !== undefined && share < connections * 10) {
            notes.push(
              `${workload}, ${contender.name}, round ${round}: tokens exhausted, slot skipped`,
            )
            log(`${workload} r${round} ${contender.name}: tokens exhausted, skipped`)
            continue
          }
          if (refresh && contender.cachesTokens) await sendEach(server.url, refresh)
          const record = await runSlot(issuer, server, contender, workload, round, {
            connections,
            slotS,
            clk,
            nextToken: source.next(contender),
            ...(share === undefined ? {} : { amount: share }),
          })
          // its whole share sent before the slot's time was up: the slot was cut short
          record.tokensExhausted = share !== undefined && record.sent >= share
          if (share !== undefined && record.tokensExhausted) {
            notes.push(
              `${workload}, ${contender.name}, round ${round}: its ${share.toLocaleString('en-US')} tokens for the round were used up after ${record.durationS} s of the ${slotS} s slot (figures from that shorter slot)`,
            )
          }
          records.push(record)
          log(
            `r${round} ${workload.padEnd(7)} ${contender.name.padEnd(30)} ${Math.round(
              record.reqPerSec,
            )
              .toString()
              .padStart(6)} req/s  ${record.cpuUsPerRequest.toFixed(1).padStart(7)} µs/req` +
              (record.unexpected > 0 ? `  unexpected ${record.unexpected}` : '') +
              (record.errors > 0 ? `  errors ${record.errors}` : '') +
              (record.jwksFetches > 0 ? `  jwks ${record.jwksFetches}` : '') +
              (record.introspections > 0 ? `  introspections ${record.introspections}` : ''),
          )
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
    await issuer.close()
  }

  for (const server of servers.values()) {
    if (server.stderrChars > 0) {
      notes.push(
        `${server.name} wrote ${server.stderrChars.toLocaleString('en-US')} characters to stderr; the last: ${JSON.stringify(server.stderrTail.slice(-300))}`,
      )
    }
  }

  const finishedAt = new Date()
  machine.loadAfter = loadText(loadavg())
  const rows = summarize(records, options.contenders, options.workloads)
  const info: RunInfo = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    totalS: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    machine,
    roundLoads,
    parameters: {
      rounds,
      slotS,
      connections,
      pipelining: 1,
      warmupS: options.warmupS,
      poolSize: POOL_SIZE,
      opaquePoolSize: OPAQUE_POOL_SIZE,
      uniqueCap: options.uniqueCap,
      uniqueSigned,
      uniqueSigningS: signingS,
      workloads: options.workloads.join(','),
    },
  }
  await writeResults(options.outDir, {
    info,
    contenders: options.contenders,
    checks,
    records,
    rows,
    targets: evaluateTargets(
      rows,
      checks
        .find((c) => c.contender === OTEL_ABSENT)
        ?.results.find((r) => r.name === 'OpenTelemetry')?.ok,
    ),
    telemetry: telemetryCost(rows),
    notes,
  })
  log(`bench: done in ${info.totalS.toFixed(0)} s; load average after ${machine.loadAfter}`)
  log(`bench: wrote ${resolve(options.outDir, 'RESULTS.md')} and results.json`)
}

/**
 * Single-use tokens to sign for "unique": enough for the fastest authenticating contender of
 * the warm-up (valid pool tokens; an upper bound, as none caches a token it has not seen) for
 * every round, + 50 % for a warmer JIT, at most --unique-cap (all of it without a warm-up).
 */
function uniqueTokenCount(warmRates: ReadonlyMap<string, number>, options: Options): number {
  const rates = options.contenders
    .filter((c) => !c.bare && warmRates.has(c.name))
    .map((c) => warmRates.get(c.name) as number)
  if (rates.length === 0) return options.uniqueCap
  const needed = Math.ceil(Math.max(...rates) * options.slotS * options.rounds * 1.5)
  return Math.min(options.uniqueCap, Math.max(needed, options.connections * 20))
}

async function runSlot(
  issuer: TestIssuer,
  server: ServerProcess,
  contender: Contender,
  workload: Workload,
  round: number,
  slot: {
    connections: number
    slotS: number
    clk: number
    nextToken: () => string
    amount?: number
  },
): Promise<SlotRecord> {
  const jwks0 = issuer.requestCount('jwks')
  const discovery0 = issuer.requestCount('discovery')
  const introspection0 = issuer.requestCount('introspection')
  const cpu0 = server.cpuTicks()
  const load = await runLoad({
    url: server.url,
    connections: slot.connections,
    durationS: slot.slotS,
    nextToken: slot.nextToken,
    ...(slot.amount === undefined ? {} : { amount: slot.amount }),
  })
  await sleep(SETTLE_MS)
  const ticks = server.cpuTicks() - cpu0
  const expected = String(expectedStatus(workload, contender))
  const cpuS = ticks / slot.clk
  return {
    workload,
    contender: contender.name,
    round,
    reqPerSec: load.durationS > 0 ? load.completed / load.durationS : 0,
    completed: load.completed,
    sent: load.sent,
    durationS: load.durationS,
    statuses: load.statuses,
    unexpected: load.completed - (load.statuses[expected] ?? 0),
    errors: load.errors,
    timeouts: load.timeouts,
    non2xx: load.non2xx,
    cpuTicks: ticks,
    cpuUsPerRequest: load.sent > 0 ? (cpuS * 1e6) / load.sent : 0,
    serverCpuPercent: load.durationS > 0 ? (100 * cpuS) / load.durationS : 0,
    jwksFetches: issuer.requestCount('jwks') - jwks0,
    discoveryFetches: issuer.requestCount('discovery') - discovery0,
    introspections: issuer.requestCount('introspection') - introspection0,
    tokensExhausted: false,
  }
}

await main()
