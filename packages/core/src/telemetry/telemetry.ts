/**
 * A guard's telemetry: a span per authentication (`bearerguard.authenticate`, a child of the
 * request's span when the app is instrumented) with child spans for the calls to the
 * authorization server made meanwhile, and events for the metrics (otel-metrics.ts, and the
 * app's own {@link GuardObserver}). While nothing listens — no `@opentelemetry/api` installed,
 * `telemetry: false`, no observer — {@link Telemetry.on} is false and the guard calls nothing
 * here. Attributes hold codes and names, never a token, never a claim value but the issuer.
 */
import { AuthError } from '../errors/auth-error.js'
import {
  UpstreamError,
  type UpstreamObserver,
  type UpstreamPurpose,
  type UpstreamResult,
} from '../http/fetch-json.js'
import { safeUrl } from '../http/safe-url.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RouteRequirement } from '../requirements/route-requirement.js'
import type { AuthenticationOutcome, GuardObserver } from './guard-observer.js'
import {
  callsOf,
  loadOpenTelemetryApi,
  SPAN_KIND,
  STATUS_ERROR,
  type Attributes,
  type MeterProviderLike,
  type OpenTelemetryApi,
  type OpenTelemetryCalls,
  type SpanLike,
  type TracerLike,
  type TracerProviderLike,
} from './otel-api.js'
import { OpenTelemetryMetrics } from './otel-metrics.js'
import { requirementKind, requirementSummary } from './requirement-kind.js'

/** The version reported as the tracer's and meter's (kept by a test equal to package.json's). */
export const CORE_VERSION = '0.1.0'
const SCOPE = '@bearerguard/core'

/**
 * The `telemetry` option resolved: off, or where spans and metrics go.
 *
 * @example
 * ```ts
 * const settings: TelemetrySettings = { enabled: true }
 * ```
 */
export interface TelemetrySettings {
  enabled: boolean
  /** The `@opentelemetry/api` module; undefined: imported lazily, if installed. */
  api?: OpenTelemetryApi
  tracerProvider?: TracerProviderLike
  meterProvider?: MeterProviderLike
  observer?: GuardObserver
}

/** Where a guard's telemetry goes; see the file's comment. */
export class Telemetry implements UpstreamObserver {
  /** Whether anything listens: the guard skips telemetry altogether while false. */
  on = false
  #tracer: TracerLike | undefined
  #calls: OpenTelemetryCalls | undefined
  readonly #observers: GuardObserver[] = []
  readonly #loaded: Promise<void>

  constructor(settings: TelemetrySettings) {
    if (settings.observer) this.#observers.push(settings.observer)
    this.on = this.#observers.length > 0
    if (!settings.enabled) {
      this.#loaded = Promise.resolve()
      return
    }
    const { api } = settings
    if (api) {
      this.#use(api, settings)
      this.#loaded = Promise.resolve()
    } else {
      this.#loaded = loadOpenTelemetryApi().then((loaded) => {
        if (loaded) this.#use(loaded, settings)
      })
    }
  }

  /** OpenTelemetry in use from now on; a provider that throws leaves it off (never a crash). */
  #use(api: OpenTelemetryApi, settings: TelemetrySettings): void {
    try {
      this.#useNow(api, settings)
    } catch {
      this.#tracer = undefined
      this.#calls = undefined
    }
  }

  /** Settles once the API is loaded (or known absent). */
  ready(): Promise<void> {
    return this.#loaded
  }

  #useNow(api: OpenTelemetryApi, settings: TelemetrySettings): void {
    const calls = callsOf(api)
    this.#calls = calls
    this.#tracer = calls.tracer(settings.tracerProvider, SCOPE, CORE_VERSION)
    const { meterProvider } = settings
    this.#observers.push(
      new OpenTelemetryMetrics(meterProvider ?? calls.globalMeterProvider, (provider) =>
        calls.meter(provider, SCOPE, CORE_VERSION),
      ),
    )
    this.on = true
  }

  /** Starts timing (and tracing) one authentication. */
  authentication(): AuthenticationProbe {
    return new AuthenticationProbe(
      this,
      this.#start('bearerguard.authenticate', SPAN_KIND.internal),
    )
  }

  /** A span started in the active context, when it records. */
  #start(name: string, kind: number, attributes?: Attributes): SpanLike | undefined {
    const tracer = this.#tracer
    if (!tracer) return undefined
    try {
      const span = tracer.startSpan(
        name,
        { kind, attributes },
        (this.#calls as OpenTelemetryCalls).active(),
      )
      return span.isRecording() ? span : undefined
    } catch {
      return undefined // a tracer or span processor that throws costs the span, not the request
    }
  }

  /** Runs `fn` with `span` active, so that spans started inside are its children. */
  within<T>(span: SpanLike | undefined, fn: () => T): T {
    return span && this.#calls ? this.#calls.withSpan(span, fn) : fn()
  }

  /** Tells the observers; a failing observer changes nothing. */
  emit<K extends keyof GuardObserver>(
    kind: K,
    ...args: Parameters<NonNullable<GuardObserver[K]>>
  ): void {
    for (const observer of this.#observers) {
      const method = observer[kind] as ((...a: typeof args) => void) | undefined
      if (!method) continue
      try {
        method.apply(observer, args)
      } catch {
        // an observer's failure must not change the answer to the request
      }
    }
  }

  /** One `guard.authorize()`: a span and an event; `failed` is the requirement that failed. */
  authorization(error: unknown, failed: RouteRequirement | undefined): void {
    const refused = error instanceof AuthError
    if (error !== undefined && !refused) return // a bug: it surfaces as a 500, not a decision
    const reason = refused ? (error.code ?? 'unauthorized') : undefined
    const requirement = refused ? (failed ? requirementKind(failed) : 'authenticated') : undefined
    const outcome = refused ? 'rejected' : 'allowed'
    const span = this.#start('bearerguard.authorize', SPAN_KIND.internal)
    if (span) {
      quietly(() => {
        span.setAttribute('bearerguard.outcome', outcome)
        if (refused) {
          span.setAttributes({
            'bearerguard.reason': reason,
            'bearerguard.requirement': requirement,
            'bearerguard.requirement.detail': failed && requirementSummary(failed),
          })
          span.recordException({ name: error.name, message: error.description })
        }
        span.end()
      })
    }
    this.emit('authorization', { outcome, reason, requirement })
  }

  call<T>(
    purpose: UpstreamPurpose,
    url: string,
    method: string,
    run: () => Promise<T>,
  ): Promise<T> {
    if (!this.on) return run()
    const started = performance.now()
    const span = this.#start(`bearerguard.${purpose}`, SPAN_KIND.client, {
      'bearerguard.upstream': purpose,
      'http.request.method': method,
      'url.full': safeUrl(url),
    })
    const done = (result: UpstreamResult, status: number | undefined) => {
      if (span) {
        quietly(() => {
          span.setAttribute('bearerguard.result', result)
          if (status !== undefined) span.setAttribute('http.response.status_code', status)
          if (result !== 'ok') span.setStatus({ code: STATUS_ERROR, message: result })
          span.end()
        })
      }
      this.emit('upstream', { purpose, result, seconds: (performance.now() - started) / 1000 })
    }
    let pending: Promise<T>
    try {
      pending = this.within(span, run)
    } catch (error) {
      pending = Promise.reject(error)
    }
    return pending.then(
      (value) => {
        done('ok', undefined)
        return value
      },
      (error: unknown) => {
        if (error instanceof UpstreamError) done(error.reason, error.httpStatus)
        else done('error', undefined)
        throw error
      },
    )
  }

  circuit(
    purpose: UpstreamPurpose,
    endpoint: string,
    state: 'closed' | 'open' | 'half-open',
  ): void {
    if (this.on) this.emit('circuit', purpose, safeUrl(endpoint), state)
  }
}

/**
 * One authentication being timed and traced: the guard notes what it learns (`format`,
 * `cacheHit`) and ends it once with the answer.
 */
export class AuthenticationProbe {
  format: 'jwt' | 'opaque' | undefined
  cacheHit: boolean | undefined
  readonly #telemetry: Telemetry
  readonly #span: SpanLike | undefined
  readonly #started = performance.now()

  constructor(telemetry: Telemetry, span: SpanLike | undefined) {
    this.#telemetry = telemetry
    this.#span = span
  }

  /** Runs `fn` inside the authentication's span (the calls it makes become its children). */
  within<T>(fn: () => T): T {
    return this.#telemetry.within(this.#span, fn)
  }

  /** Ends with an answer: an identity, or none (an optional guard without a token). */
  allowed(auth: AuthInfo | undefined): void {
    if (auth) this.format = auth.format
    this.#end(auth ? 'allowed' : 'anonymous', undefined, auth?.issuer)
    const span = this.#span
    if (span) quietly(() => span.end())
  }

  /** Ends with a refusal (an `AuthError`) or a bug (anything else). */
  failed(error: unknown): void {
    const span = this.#span
    if (!(error instanceof AuthError)) {
      this.#end('error', undefined, undefined)
      if (span) {
        quietly(() => {
          span.recordException({ name: error instanceof Error ? error.name : typeof error })
          span.setStatus({ code: STATUS_ERROR, message: 'error' })
          span.end()
        })
      }
      return
    }
    const reason = error.code ?? 'unauthorized'
    const outcome = error.status === 503 ? 'unavailable' : 'rejected'
    this.#end(outcome, reason, undefined)
    if (span) {
      quietly(() => {
        span.recordException({ name: error.name, message: error.description })
        if (outcome === 'unavailable') span.setStatus({ code: STATUS_ERROR, message: reason })
        span.end()
      })
    }
  }

  #end(outcome: AuthenticationOutcome, reason: string | undefined, issuer: string | undefined) {
    const { format, cacheHit } = this
    const span = this.#span
    if (span) {
      quietly(() =>
        span.setAttributes({
          'bearerguard.outcome': outcome,
          'bearerguard.reason': reason,
          'bearerguard.token.format': format,
          'bearerguard.cache.hit': cacheHit,
          'bearerguard.issuer': issuer,
        }),
      )
    }
    const seconds = (performance.now() - this.#started) / 1000
    this.#telemetry.emit('authentication', { outcome, reason, format, cacheHit, seconds })
  }
}

/** Runs a call into OpenTelemetry; a throw there (a span processor's bug) changes no answer. */
function quietly(call: () => unknown): void {
  try {
    call()
  } catch {
    // telemetry must not change the answer to the request
  }
}
