/**
 * The OpenTelemetry situation of a bearerguard server, chosen by run.ts in `BENCH_OTEL` from the
 * contender (bench/lib/contenders.ts, `openTelemetry`):
 *
 * - `absent`: `@opentelemetry/api` cannot be imported in the process (run.ts preloads
 *   without-otel-api.mjs), as in an app without it: core's guard keeps telemetry off.
 * - `api`: it can, and no SDK is registered: the API's global no-op providers.
 * - `sdk`: it can, and otel-sdk.ts installs an SDK before the app.
 *
 * `setUpOpenTelemetry()` checks the situation (the server stops before listening when it is not
 * the one asked for) and installs the SDK; call it before the guard is made. Its `report()` is
 * what the server answers on GET /__otel, which run.ts asks before timing (checks.ts), never
 * during a slot.
 */
export type OtelMode = 'absent' | 'api' | 'sdk'

/** GET /__otel's answer. */
export interface OtelReport {
  mode: OtelMode
  /** `import('@opentelemetry/api')` succeeded in this process. */
  api: boolean
  /** A span started on the global tracer records (an SDK is registered). */
  recording: boolean
  /** With the SDK: spans exported by name, metric totals (otel-sdk.ts). */
  spans?: Record<string, number>
  metrics?: Record<string, number>
}

interface ApiModule {
  trace: { getTracer(name: string): { startSpan(name: string): SpanLike } }
}
interface SpanLike {
  isRecording(): boolean
  end(): void
}

export async function setUpOpenTelemetry(): Promise<{ report(): Promise<OtelReport> }> {
  const mode = (process.env.BENCH_OTEL ?? 'absent') as OtelMode
  if (!['absent', 'api', 'sdk'].includes(mode)) {
    throw new Error(`bench server: BENCH_OTEL must be absent, api or sdk, got ${mode}`)
  }
  // not a literal, as in core: the import is resolved at run time, through the loader hooks
  const specifier = '@opentelemetry/api'
  const api = await (import(specifier) as Promise<ApiModule>).catch(() => undefined)
  if ((api !== undefined) !== (mode !== 'absent')) {
    throw new Error(
      `bench server: BENCH_OTEL=${mode} but @opentelemetry/api ${api ? 'imports' : 'does not import'}`,
    )
  }
  const sdk = mode === 'sdk' ? (await import('./otel-sdk.js')).installOtelSdk() : undefined
  const recording = () => {
    if (!api) return false
    const span = api.trace.getTracer('bench-probe').startSpan('bench.probe')
    const recorded = span.isRecording()
    span.end()
    return recorded
  }
  return {
    async report() {
      return {
        mode,
        api: api !== undefined,
        recording: recording(),
        ...(sdk ? await sdk.record() : {}),
      }
    },
  }
}
