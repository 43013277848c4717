/**
 * `pnpm soak`: a bounded load test of a protected API while its authorization server flaps.
 *
 * The test issuer (@bearerguard/testing) runs here, in the parent, with autocannon; the API
 * under test (the adapter harness's app behind a guard) runs in a child process (server.ts),
 * so its heap holds only what the API holds. Every few seconds every endpoint of the issuer
 * fails — by turns its connections are reset, it answers too slowly, it answers 500, it answers
 * an HTML page — and during the first outage its keys rotate; the guard's JWKS cache and
 * introspection cache are kept short, so background key refreshes and introspections do happen
 * during the outages. After the run the report says whether the API stayed up, answered 503
 * only during outages, never answered a valid token 401, how soon after the outage the rotated
 * key was accepted, and whether it kept its heap flat.
 *
 *   pnpm soak [--adapter express|koa] [--duration 60] [--connections 20] [--json [file]]
 *
 * All traffic stays on 127.0.0.1 and stops by itself after warm-up + duration.
 */
import { createTestIssuer } from '@bearerguard/testing'
import autocannon from 'autocannon'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, platform, release } from 'node:os'
import { dirname, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { AUDIENCE } from '../adapters/harness.js'
import { ServerProcess } from './child.js'
import { Flapper } from './flapper.js'
import { ADAPTERS, type AdapterName, type HeapSample, type ServerConfig } from './protocol.js'
import { Recorder } from './recorder.js'
import { buildReport, formatReport, type SoakSettings } from './report.js'
import { DEFAULT_POOL_SIZES, MIX, TokenPools, type Kind } from './tokens.js'

const USAGE = `usage: pnpm soak [options]

  --adapter express|koa   the API under test (default express: Express 5; koa: Koa 3)
  --duration <s>          measured load, seconds (default 60)
  --warmup <s>            load before the "before" heap figure, with one outage (default 6)
  --connections <n>       concurrent connections (default 20)
  --up <s>, --down <s>    authorization server up / down periods (default 5 / 5)
  --grace <s>             503s allowed this long after an outage ends (default 3)
  --rotate-in <n>         rotate the keys during the n-th outage; 0: never (default 1)
  --rotate-after <s>      this long into that outage (default 2)
  --json [file]           also write the report as JSON (default test/soak/results/soak-<adapter>.json)
`

const SOAK_DIR = dirname(fileURLToPath(import.meta.url))

interface Options {
  adapter: AdapterName
  durationS: number
  warmupS: number
  connections: number
  upS: number
  downS: number
  graceS: number
  rotateIn: number
  rotateAfterS: number
  json: string | undefined
}

function parseOptions(argv: string[]): Options {
  // `--json` may come without a file: give it the default one
  const args = argv.flatMap((arg, i) =>
    arg === '--json' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--'))
      ? ['--json=']
      : [arg],
  )
  const { values } = parseArgs({
    args,
    options: {
      adapter: { type: 'string', default: 'express' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '6' },
      connections: { type: 'string', default: '20' },
      up: { type: 'string', default: '5' },
      down: { type: 'string', default: '5' },
      grace: { type: 'string', default: '3' },
      'rotate-in': { type: 'string', default: '1' },
      'rotate-after': { type: 'string', default: '2' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const number = (name: string, value: string, min: number, max: number) => {
    const n = Number(value)
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}, not ${value}`)
    }
    return n
  }
  const adapter = values.adapter as AdapterName
  if (!ADAPTERS.includes(adapter)) {
    throw new Error(`--adapter must be one of ${ADAPTERS.join(', ')}, not ${values.adapter}`)
  }
  return {
    adapter,
    durationS: number('duration', values.duration, 1, 3600),
    warmupS: number('warmup', values.warmup, 1, 600),
    connections: Math.floor(number('connections', values.connections, 1, 200)),
    upS: number('up', values.up, 0.5, 600),
    downS: number('down', values.down, 0.5, 600),
    graceS: number('grace', values.grace, 0, 60),
    rotateIn: Math.floor(number('rotate-in', values['rotate-in'], 0, 1000)),
    rotateAfterS: number('rotate-after', values['rotate-after'], 0, 600),
    json:
      values.json === undefined
        ? undefined
        : values.json === ''
          ? resolve(SOAK_DIR, 'results', `soak-${adapter}.json`)
          : resolve(values.json),
  }
}

const log = (message: string) => process.stderr.write(`soak: ${message}\n`)

/** One bounded autocannon run of the mix against the child; stops early if the child dies. */
function runLoad(
  server: ServerProcess,
  seconds: number,
  connections: number,
  pools: TokenPools,
  recorder: Recorder,
): Promise<autocannon.Result> {
  type Context = { kind?: Kind }
  const requests: autocannon.Request[] = MIX.map((kind) => ({
    method: 'GET',
    path: '/api/orders',
    setupRequest: (request, context) => {
      const { token, sent } = pools.take(kind)
      ;(context as Context).kind = sent
      request.headers = token === undefined ? {} : { authorization: `Bearer ${token}` }
      return request
    },
    onResponse: (status, _body, context) => {
      recorder.response(status, (context as Context).kind ?? kind)
    },
  }))
  return new Promise((resolveRun, reject) => {
    const stopOnExit = server.onExit(() => instance.stop())
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${server.port}`,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests,
      },
      (error: unknown, result) => {
        stopOnExit()
        if (error) reject(error instanceof Error ? error : new Error(String(error)))
        else resolveRun(result)
      },
    )
    instance.on('response', (_client, _status, _bytes, ms) => recorder.latency(ms))
  })
}

/** The status of one GET, or undefined when there is no answer. */
async function probe(url: string, token?: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    })
    await response.arrayBuffer()
    return response.status
  } catch {
    return undefined
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2))
  const settleS = 2
  // The introspection cache is bounded small enough that the warm-up fills it (200 pooled opaque
  // tokens and the fresh ones), so heap growth after the warm-up is not the cache filling up.
  const guard = { timeoutMs: 1000, jwksCacheMaxAge: 2, cacheTtl: 2, cacheMax: 256 }
  // a hard bound on the whole run, whatever happens
  const deadline = setTimeout(
    () => {
      log('overran its time bound; giving up')
      process.exit(1)
    },
    (options.warmupS + options.durationS + 120) * 1000,
  )
  deadline.unref()

  const issuer = await createTestIssuer({
    audience: AUDIENCE,
    tokenTtl: Math.max(3600, options.warmupS + options.durationS + 600),
  })
  let server: ServerProcess | undefined
  let pools: TokenPools | undefined
  const onSignal = () => {
    log('interrupted')
    void server?.stop().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    log(`minting tokens at ${issuer.url}`)
    pools = await TokenPools.create(issuer, DEFAULT_POOL_SIZES)
    pools.startRefilling()
    const config: ServerConfig = {
      adapter: options.adapter,
      issuer: issuer.url,
      audience: AUDIENCE,
      timeoutMs: guard.timeoutMs,
      jwksCacheMaxAge: guard.jwksCacheMaxAge,
      cacheTtl: guard.cacheTtl,
      cacheMax: guard.cacheMax,
    }
    server = await ServerProcess.start(config)
    log(`${server.adapterName} API on 127.0.0.1:${server.port} (pid ${server.pid})`)

    // Warm-up: the whole mix, with one outage in the middle so failure paths are warm too.
    log(`warm-up ${options.warmupS} s`)
    const warmupRecorder = new Recorder()
    const third = (options.warmupS * 1000) / 3
    const slowDelayMs = 2 * guard.timeoutMs
    const warmupFlapper = new Flapper(issuer, {
      upMs: third,
      downMs: third,
      phases: ['down'],
      slowDelayMs,
    })
    warmupFlapper.start()
    await runLoad(server, options.warmupS, options.connections, pools, warmupRecorder)
    await warmupFlapper.stop()
    const freshInWarmup = pools.freshUsed
    await sleep(settleS * 1000)
    const heapBefore: HeapSample = await server.heap()
    log(`heap before: ${(heapBefore.heapUsed / 2 ** 20).toFixed(2)} MB`)

    log(`load ${options.durationS} s, ${options.connections} connections, flapping`)
    const recorder = new Recorder()
    const tokenPools = pools
    const flapper = new Flapper(issuer, {
      upMs: options.upS * 1000,
      downMs: options.downS * 1000,
      slowDelayMs,
      rotation:
        options.rotateIn > 0
          ? {
              outage: options.rotateIn,
              afterMs: options.rotateAfterS * 1000,
              rotate: () => tokenPools.rotate(DEFAULT_POOL_SIZES.rotatedJwts),
            }
          : undefined,
    })
    issuer.resetCounts() // also empties its log of introspection requests
    const loadAtStart = loadavg()[0] ?? 0
    const startedAt = Date.now()
    flapper.start()
    const result = await runLoad(server, options.durationS, options.connections, pools, recorder)
    await flapper.stop()
    const finishedAt = Date.now()
    const issuerCalls = {
      jwks: issuer.requestCount('jwks'),
      introspection: issuer.requestCount('introspection'),
      discovery: issuer.requestCount('discovery'),
    }
    await pools.stop()

    await sleep(settleS * 1000)
    const base = `http://127.0.0.1:${server.port}`
    const healthStatus = server.alive ? await probe(`${base}/health`) : undefined
    const validTokenStatus = server.alive
      ? await probe(`${base}/api/orders`, pools.sample('valid-jwt'))
      : undefined
    const rotatedTokenStatus =
      server.alive && flapper.rotation
        ? await probe(`${base}/api/orders`, pools.sample('rotated-jwt'))
        : undefined
    const alive = server.alive
    const heapAfter = alive ? await server.heap().catch(() => undefined) : undefined

    const settings: SoakSettings = {
      adapter: server.adapterName,
      durationS: options.durationS,
      warmupS: options.warmupS,
      connections: options.connections,
      upS: options.upS,
      downS: options.downS,
      graceS: options.graceS,
      slowDelayMs,
      rotateIn: options.rotateIn,
      rotateAfterS: options.rotateAfterS,
      settleS,
      maxHeapGrowthPercent: 10,
      guard: {
        timeoutMs: guard.timeoutMs,
        jwksCacheMaxAge: guard.jwksCacheMaxAge,
        introspectionCacheTtl: guard.cacheTtl,
        introspectionCacheMax: guard.cacheMax,
      },
      pools: { ...DEFAULT_POOL_SIZES },
      mix: MIX,
    }
    const report = buildReport({
      settings,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        platform: `${platform()} ${release()}`,
        node: process.version,
        loadAverage: {
          start: Math.round(loadAtStart * 100) / 100,
          end: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        },
      },
      startedAt,
      finishedAt,
      recorder,
      flapper,
      autocannon: {
        errors: result.errors,
        timeouts: result.timeouts,
        requestsSent: result.requests.sent,
        mismatches: result.mismatches,
      },
      issuerCalls,
      heapBefore,
      heapAfter,
      server: {
        pid: server.pid,
        alive,
        exit: server.exit && { code: server.exit.code, signal: server.exit.signal },
        healthStatus,
        validTokenStatus,
        rotatedTokenStatus,
        output: server.output,
      },
      tokens: { freshUsed: pools.freshUsed - freshInWarmup, freshShortfall: pools.freshShortfall },
      warmup: {
        requests: warmupRecorder.count,
        byStatus: warmupRecorder.byStatus(),
        freshOpaqueTokens: freshInWarmup,
      },
    })
    process.stdout.write(formatReport(report))
    if (!alive || report.verdict === 'FAIL') {
      const output = server.output.trim()
      if (output) process.stdout.write(`server output (last lines):\n${output.slice(-4000)}\n`)
    }
    if (options.json) {
      mkdirSync(dirname(options.json), { recursive: true })
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`)
      log(`JSON report: ${options.json}`)
    }
    return report.verdict === 'PASS' ? 0 : 1
  } finally {
    await pools?.stop()
    await server?.stop()
    await issuer.close()
    clearTimeout(deadline)
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error('soak: failed to run:', error)
    process.exitCode = 1
  },
)
