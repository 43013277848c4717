/**
 * The guard's events (`@bearerguard/core`'s GuardObserver) as Prometheus metrics, under the
 * names an OpenTelemetry Prometheus exporter gives the metrics core records with
 * `@opentelemetry/api` (core's telemetry/otel-metrics.ts): dots become underscores, counters
 * end in `_total`, the seconds histograms in `_seconds`, and attributes become labels of the
 * same names (`bearerguard.outcome` → `bearerguard_outcome`). One set of names, whether the
 * gateway's `/metrics` is scraped or an OpenTelemetry SDK exports. An attribute core leaves
 * out (`bearerguard.reason` of an allowed authentication) is a label left out here too, as the
 * exporter does. Labels carry codes and names, never a token, a subject or a claim value.
 */
import type {
  AuthenticationEvent,
  AuthorizationEvent,
  GuardObserver,
  UpstreamEvent,
} from '@bearerguard/core'
import { CircuitTable } from '@bearerguard/core/adapter'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** Seconds; the boundaries core gives its histograms (a cached token takes microseconds). */
export const GUARD_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25, 0.5, 1, 2.5, 5, 10,
])

type Purpose = UpstreamEvent['purpose']

/**
 * A {@link GuardObserver} counting into a prom-client registry. Its methods never throw: a
 * failure to record is dropped (the request's answer does not depend on a metric).
 *
 * @example
 * ```ts
 * const registry = new Registry()
 * const observer = new GuardObserverMetrics(registry)
 * createGuard({ issuer, audience, telemetry: { observer } })
 * ```
 */
export class GuardObserverMetrics implements GuardObserver {
  readonly #authentications: Counter<'bearerguard_outcome' | 'bearerguard_reason'>
  readonly #duration: Histogram<'bearerguard_outcome'>
  readonly #authorizations: Counter<
    'bearerguard_outcome' | 'bearerguard_reason' | 'bearerguard_requirement'
  >
  readonly #upstream: Record<Purpose, Counter<'bearerguard_result'>>
  readonly #upstreamDuration: Histogram<'bearerguard_upstream' | 'bearerguard_result'>
  readonly #cacheLookups: Counter<'bearerguard_cache' | 'bearerguard_cache_hit'>
  readonly #circuits = new CircuitTable()

  constructor(registry: Registry) {
    const registers = [registry]
    const buckets = [...GUARD_DURATION_BUCKETS]
    this.#authentications = new Counter({
      name: 'bearerguard_authentications_total',
      help: 'Authentications, by outcome and reason (the AuthError code)',
      labelNames: ['bearerguard_outcome', 'bearerguard_reason'],
      registers,
    })
    this.#duration = new Histogram({
      name: 'bearerguard_authentication_duration_seconds',
      help: 'Time to authenticate a request, by outcome',
      labelNames: ['bearerguard_outcome'],
      buckets,
      registers,
    })
    this.#authorizations = new Counter({
      name: 'bearerguard_authorizations_total',
      help: 'Route requirement checks, by outcome, reason and the requirement that failed',
      labelNames: ['bearerguard_outcome', 'bearerguard_reason', 'bearerguard_requirement'],
      registers,
    })
    const fetches = (name: string, what: string) =>
      new Counter({
        name,
        help: `${what}, by result`,
        labelNames: ['bearerguard_result'],
        registers,
      })
    this.#upstream = {
      discovery: fetches('bearerguard_discovery_fetches_total', 'Discovery document fetches'),
      jwks: fetches('bearerguard_jwks_fetches_total', 'JWKS fetches'),
      introspection: fetches('bearerguard_introspection_requests_total', 'Introspection requests'),
    }
    this.#upstreamDuration = new Histogram({
      name: 'bearerguard_upstream_duration_seconds',
      help: 'Time of calls to the authorization server, by endpoint kind and result',
      labelNames: ['bearerguard_upstream', 'bearerguard_result'],
      buckets,
      registers,
    })
    this.#cacheLookups = new Counter({
      name: 'bearerguard_cache_lookups_total',
      help: 'Lookups in the verified-token and introspection caches, by cache and hit (the hit ratio is hits ÷ lookups)',
      labelNames: ['bearerguard_cache', 'bearerguard_cache_hit'],
      registers,
    })
    const circuits = this.#circuits
    new Gauge<'bearerguard_upstream' | 'url_full'>({
      name: 'bearerguard_circuit_state',
      help: "Each authorization server endpoint's circuit breaker: 0 closed, 1 half-open (probing), 2 open (paused); an endpoint is reported for 60 s after its last change",
      labelNames: ['bearerguard_upstream', 'url_full'],
      registers,
      collect() {
        // rebuilt at each scrape: endpoints nobody asks for any more leave (core's CircuitTable)
        this.reset()
        for (const { purpose, endpoint, value } of circuits.current()) {
          this.set({ bearerguard_upstream: purpose, url_full: endpoint }, value)
        }
      },
    })
  }

  authentication(event: AuthenticationEvent): void {
    dropFailure(() => {
      const outcome = String(event.outcome)
      this.#authentications.inc(
        event.reason === undefined
          ? { bearerguard_outcome: outcome }
          : { bearerguard_outcome: outcome, bearerguard_reason: String(event.reason) },
      )
      if (Number.isFinite(event.seconds) && event.seconds >= 0) {
        this.#duration.observe({ bearerguard_outcome: outcome }, event.seconds)
      }
      // as core's OpenTelemetry metrics: one lookup per authentication that reached the caches
      if (event.cacheHit !== undefined) {
        this.#cacheLookups.inc({
          bearerguard_cache: event.format === 'opaque' ? 'introspection' : 'token',
          bearerguard_cache_hit: event.cacheHit ? 'true' : 'false',
        })
      }
    })
  }

  authorization(event: AuthorizationEvent): void {
    dropFailure(() => {
      const labels: Partial<
        Record<'bearerguard_outcome' | 'bearerguard_reason' | 'bearerguard_requirement', string>
      > = { bearerguard_outcome: String(event.outcome) }
      if (event.reason !== undefined) labels.bearerguard_reason = String(event.reason)
      if (event.requirement !== undefined) {
        labels.bearerguard_requirement = String(event.requirement)
      }
      this.#authorizations.inc(labels)
    })
  }

  upstream(event: UpstreamEvent): void {
    dropFailure(() => {
      const result = String(event.result)
      const counter = this.#upstream[event.purpose] as Counter<'bearerguard_result'> | undefined
      counter?.inc({ bearerguard_result: result })
      if (Number.isFinite(event.seconds) && event.seconds >= 0) {
        this.#upstreamDuration.observe(
          { bearerguard_upstream: String(event.purpose), bearerguard_result: result },
          event.seconds,
        )
      }
    })
  }

  circuit(purpose: Purpose, endpoint: string, state: 'closed' | 'open' | 'half-open'): void {
    dropFailure(() => {
      this.#circuits.set(purpose, String(endpoint), String(state))
    })
  }
}

/** Runs `record`; a metric that cannot be recorded must not change the answer to a request. */
function dropFailure(record: () => void): void {
  try {
    record()
  } catch {
    // dropped: see above
  }
}
