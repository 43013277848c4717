/**
 * The part of `@opentelemetry/api` (1.x) core uses, described here so that core's types never
 * name a package that may be absent, and the package itself, imported lazily: the first guard
 * that may report asks for it once; without it installed nothing more happens (no import at
 * load, no cost per request). The specifier is not a literal, so bundlers leave it alone — a
 * bundled app (a Worker) hands the module over with `telemetry: { api }` instead.
 */

/** Span and metric attribute values (as in OpenTelemetry). */
export type Attributes = Record<string, string | number | boolean | undefined>

/** The span methods core calls. */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown
  setAttributes(attributes: Attributes): unknown
  setStatus(status: { code: number; message?: string }): unknown
  recordException(exception: { name: string; message?: string }): void
  end(): void
  isRecording(): boolean
}

/** What a tracer is to core. */
export interface TracerLike {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: Attributes },
    context?: unknown,
  ): SpanLike
}

/** A `TracerProvider` (the SDK's, or the global one). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike
}

/** A counter, histogram and observable gauge as core uses them. */
export interface MeterLike {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): { add(value: number, attributes?: Attributes): void }
  createHistogram(
    name: string,
    options?: {
      description?: string
      unit?: string
      advice?: { explicitBucketBoundaries?: number[] }
    },
  ): { record(value: number, attributes?: Attributes): void }
  createObservableGauge(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    addCallback(
      callback: (result: { observe(value: number, attributes?: Attributes): void }) => void,
    ): void
  }
}

/** A `MeterProvider` (the SDK's, or the global one). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike
}

/**
 * The `@opentelemetry/api` module, as `import * as api from '@opentelemetry/api'` gives it.
 *
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api'
 * createGuard({ issuer, audience, telemetry: { api } })
 * ```
 */
export interface OpenTelemetryApi {
  trace: {
    getTracerProvider(): TracerProviderLike
    setSpan(context: never, span: never): unknown
  }
  context: {
    active(): unknown
    with(context: never, fn: never): unknown
  }
  metrics: { getMeterProvider(): MeterProviderLike }
}

/** `SpanKind` values of the API (stable since 1.0). */
export const SPAN_KIND = { internal: 0, client: 2 } as const
/** `SpanStatusCode.ERROR`. */
export const STATUS_ERROR = 2

/** The API's functions typed for how core calls them (the public type above only admits them). */
export interface OpenTelemetryCalls {
  tracerProvider(): TracerProviderLike
  meterProvider(): MeterProviderLike
  /** Runs `fn` with `span` as the active span (children started inside are its children). */
  withSpan<T>(span: SpanLike, fn: () => T): T
  active(): unknown
}

/** The calls core makes, on an API module. */
export function callsOf(api: OpenTelemetryApi): OpenTelemetryCalls {
  const { trace, context, metrics } = api
  const setSpan = trace.setSpan as unknown as (ctx: unknown, span: SpanLike) => unknown
  const withContext = context.with as unknown as <T>(ctx: unknown, fn: () => T) => T
  return {
    tracerProvider: () => trace.getTracerProvider(),
    meterProvider: () => metrics.getMeterProvider(),
    withSpan: <T>(span: SpanLike, fn: () => T): T =>
      withContext.call(context, setSpan.call(trace, context.active(), span), fn) as T,
    active: () => context.active(),
  }
}

const API_PACKAGE = '@opentelemetry/api'
let loading: Promise<OpenTelemetryApi | undefined> | undefined

/**
 * `@opentelemetry/api`, imported once per process; undefined when it is not installed (or is
 * not the API).
 *
 * @example
 * ```ts
 * const api = await loadOpenTelemetryApi()
 * ```
 */
export function loadOpenTelemetryApi(): Promise<OpenTelemetryApi | undefined> {
  loading ??= importOptional(API_PACKAGE).then(asApi, () => undefined)
  return loading
}

function importOptional(specifier: string): Promise<unknown> {
  return import(specifier) as Promise<unknown>
}

/** The module if it has the three namespaces core calls (an ESM or a CommonJS build). */
export function asApi(module: unknown): OpenTelemetryApi | undefined {
  const candidates = [module, (module as { default?: unknown } | null)?.default]
  for (const candidate of candidates) {
    const api = candidate as Partial<OpenTelemetryApi> | null | undefined
    if (
      typeof api?.trace?.getTracerProvider === 'function' &&
      typeof api.trace.setSpan === 'function' &&
      typeof api.context?.active === 'function' &&
      typeof api.context.with === 'function' &&
      typeof api.metrics?.getMeterProvider === 'function'
    ) {
      return api as OpenTelemetryApi
    }
  }
  return undefined
}
