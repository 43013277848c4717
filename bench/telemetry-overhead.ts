/**
 * `pnpm bench:telemetry`: what telemetry adds to one `guard.check()` of a cached token, in this
 * process, without HTTP (whose noise hides it in `pnpm bench`): nanoseconds per call with
 * telemetry off (`telemetry: false`, the path an app without `@opentelemetry/api` takes), with
 * the API and no SDK (no-op global providers), and with the SDK recording (spans batched to an
 * exporter that drops them, metrics aggregated). Rounds alternate between the three guards.
 *
 *   pnpm bench:telemetry [--calls 200000] [--rounds 7]
 */
import { parseArgs } from 'node:util'
import * as api from '@opentelemetry/api'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import { createGuard, type Guard, type RequestLike } from '@bearerguard/core'
import { createTestIssuer } from '@bearerguard/testing'

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '7' },
  },
})
const CALLS = Number(values.calls)
const ROUNDS = Number(values.rounds)
const AUDIENCE = 'https://orders.bench.example'

class DroppingExporter implements SpanExporter {
  exported = 0
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length
    done({ code: 0 })
  }
  async shutdown(): Promise<void> {}
}
class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const issuer = await createTestIssuer({ audience: AUDIENCE })
const token = await issuer.token({ scope: 'orders:read' })
const request: RequestLike = {
  method: 'GET',
  url: '/orders',
  headers: { authorization: `Bearer ${token}` },
}
const exporter = new DroppingExporter()
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(exporter)],
})
const reader = new IdleReader()
const meterProvider = new MeterProvider({ readers: [reader] })

const guards: Record<string, Guard> = {
  off: createGuard({ issuer: issuer.url, audience: AUDIENCE, telemetry: false }),
  'api, no SDK': createGuard({ issuer: issuer.url, audience: AUDIENCE, telemetry: { api } }),
  'api + SDK': createGuard({
    issuer: issuer.url,
    audience: AUDIENCE,
    telemetry: { api, tracerProvider, meterProvider },
  }),
}
for (const guard of Object.values(guards)) {
  await guard.ready()
  for (let i = 0; i < 3; i++) await guard.check(request) // cached from here on
  if (guard.check(request) instanceof Promise)
    throw new Error('a cached token must be decided at once')
}

function time(guard: Guard): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) guard.check(request)
  return Number(process.hrtime.bigint() - started) / CALLS
}

const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(guards).map((k) => [k, []]),
)
for (const guard of Object.values(guards)) time(guard) // warm-up
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(guards)
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)]
  for (const name of order) samples[name]!.push(time(guards[name]!))
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = median(samples.off!)
console.log(
  `guard.check() of a cached token, ${CALLS.toLocaleString('en')} calls × ${ROUNDS} rounds, median ns/call`,
)
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs)
  console.log(
    `${name.padEnd(12)} ${m.toFixed(0).padStart(6)} ns  (+${(m - base).toFixed(0)} ns, ${(m / base).toFixed(2)}×)  rounds: ${xs.map((x) => x.toFixed(0)).join(' ')}`,
  )
}
await tracerProvider.forceFlush()
console.log(`spans exported by the SDK guard: ${exporter.exported.toLocaleString('en')}`)
await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()])
await issuer.close()
