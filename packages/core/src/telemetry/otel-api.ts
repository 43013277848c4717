/**
 * The part of `@opentelemetry/api` (1.x) core uses, described here so that core's types never
 * name a package that may be absent, and the package itself, imported lazily: the first guard
 * that may report asks for it once; without it installed nothing more happens (no import at
 * load, no cost per request). The specifier is not a literal, so bundlers leave it alone — a
 * bundled app hands the module over with `telemetry: { api }` instead.
 */

/** Span and metric attribute values (as in OpenTelemetry). */
export type Attributes = Record<string, string | number | boolean | undefined>

/** The span methods core calls (OpenTelemetry's `Span`). */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown
  setAttributes(attributes: Attributes): unknown
  setStatus(status: { code: number; message?: string }): unknown
  recordException(exception: { name: string; message?: string }): void
  end(): void
  isRecording(): boolean
}

/** OpenTelemetry's `Tracer`, as core calls it. */
export interface TracerLike {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: Attributes },
    context?: unknown,
  ): SpanLike
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

/**
 * An OpenTelemetry `TracerProvider` (the SDK's `BasicTracerProvider` or `NodeTracerProvider`,
 * or the global one): core calls its `getTracer`.
 *
 * @example
 * ```ts
 * const tracerProvider: TracerProviderLike = new BasicTracerProvider({ spanProcessors })
 * ```
 */
export interface TracerProviderLike {
  /** OpenTelemetry's `getTracer(name, version)`. */
  getTracer(name: string, version?: string): object
}

/**
 * An OpenTelemetry `MeterProvider` (the SDK's, or the global one): core calls its `getMeter`.
 *
 * @example
 * ```ts
 * const meterProvider: MeterProviderLike = new MeterProvider({ readers: [reader] })
 * ```
 */
export interface MeterProviderLike {
  /** OpenTelemetry's `getMeter(name, version)`. */
  getMeter(name: string, version?: string): object
}

/**
 * The `@opentelemetry/api` module, as `import * as api from '@opentelemetry/api'` gives it
 * (checked when the guard is created: it must have `trace`, `context` and `metrics`).
 *
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api'
 * createGuard({ issuer, audience, telemetry: { api } })
 * ```
 */
export interface OpenTelemetryApi {
  /** OpenTelemetry's `trace` namespace. */
  readonly trace: object
  /** OpenTelemetry's `context` namespace. */
  readonly context: object
  /** OpenTelemetry's `metrics` namespace. */
  readonly metrics: object
}

/** The parts of the API module core calls, as they are typed there. */
interface ApiModule {
  trace: {
    getTracerProvider(): { getTracer(name: string, version?: string): TracerLike }
    setSpan(context: unknown, span: SpanLike): unknown
  }
  context: {
    active(): unknown
    with<T>(context: unknown, fn: () => T): T
  }
  metrics: { getMeterProvider(): { getMeter(name: string, version?: string): MeterLike } }
}

/** `SpanKind` values of the API (stable since 1.0). */
export const SPAN_KIND = { internal: 0, client: 2 } as const
/** `SpanStatusCode.ERROR`. */
export const STATUS_ERROR = 2

/** The API's functions as core calls them. */
export interface OpenTelemetryCalls {
  tracer(provider: TracerProviderLike | undefined, name: string, version: string): TracerLike
  meter(provider: MeterProviderLike | undefined, name: string, version: string): MeterLike
  /** The global meter provider now (the metrics API has no proxy that follows a late SDK). */
  globalMeterProvider(): MeterProviderLike
  /** Runs `fn` with `span` as the active span (children started inside are its children). */
  withSpan<T>(span: SpanLike, fn: () => T): T
  active(): unknown
}

/** The calls core makes, on an API module (checked by {@link asApi}). */
export function callsOf(module: OpenTelemetryApi): OpenTelemetryCalls {
  const { trace, context, metrics } = module as unknown as ApiModule
  return {
    tracer: (provider, name, version) =>
      (
        (provider ?? trace.getTracerProvider()) as {
          getTracer(n: string, v?: string): TracerLike
        }
      ).getTracer(name, version),
    meter: (provider, name, version) =>
      (
        (provider ?? metrics.getMeterProvider()) as {
          getMeter(n: string, v?: string): MeterLike
        }
      ).getMeter(name, version),
    globalMeterProvider: () => metrics.getMeterProvider(),
    withSpan: <T>(span: SpanLike, fn: () => T): T =>
      context.with(trace.setSpan(context.active(), span), fn),
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
    const api = candidate as Partial<ApiModule> | null | undefined
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
