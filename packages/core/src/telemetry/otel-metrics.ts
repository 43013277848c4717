/**
 * The guard's events recorded with an OpenTelemetry meter, under the names API.md fixes
 * ("Observability"). The instruments are made again when the global meter provider changes
 * (an SDK started after the guard): the metrics API, unlike the tracing API, hands out no
 * proxy that would follow it.
 */
import type { UpstreamPurpose } from '../http/fetch-json.js'
import { CircuitTable } from './circuit-table.js'
import type {
  AuthenticationEvent,
  AuthorizationEvent,
  GuardObserver,
  UpstreamEvent,
} from './guard-observer.js'
import type { Attributes, MeterLike, MeterProviderLike } from './otel-api.js'

/** Seconds: a cached token takes microseconds, a fetch up to the timeout. */
const DURATION_BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25, 0.5, 1, 2.5, 5, 10,
]

type Counter = ReturnType<MeterLike['createCounter']>
type Histogram = ReturnType<MeterLike['createHistogram']>

interface Instruments {
  authentications: Counter
  duration: Histogram
  authorizations: Counter
  upstream: Record<UpstreamPurpose, Counter>
  upstreamDuration: Histogram
  cacheLookups: Counter
}

/**
 * A {@link GuardObserver} recording into the meter `meterOf(provider)` gives.
 *
 * @example
 * ```ts
 * const metrics = new OpenTelemetryMetrics(meterProvider, (provider) => calls.meter(provider, '@bearerguard/core', '0.1.0'))
 * ```
 */
export class OpenTelemetryMetrics implements GuardObserver {
  /** The provider given, or a function reading the global one (followed when it changes). */
  readonly #provider: MeterProviderLike | (() => MeterProviderLike)
  readonly #meterOf: (provider: MeterProviderLike) => MeterLike
  #made: MeterProviderLike | undefined
  #instruments: Instruments | undefined
  /** Each endpoint's circuit, as last reported (the gauge reads it when collected). */
  readonly #circuits = new CircuitTable()

  constructor(
    provider: MeterProviderLike | (() => MeterProviderLike),
    meterOf: (provider: MeterProviderLike) => MeterLike,
  ) {
    this.#provider = provider
    this.#meterOf = meterOf
  }

  authentication(event: AuthenticationEvent): void {
    const attributes: Attributes = { 'bearerguard.outcome': event.outcome }
    if (event.reason !== undefined) attributes['bearerguard.reason'] = event.reason
    const instruments = this.#current()
    instruments.authentications.add(1, attributes)
    instruments.duration.record(event.seconds, { 'bearerguard.outcome': event.outcome })
    if (event.cacheHit !== undefined) {
      const cache = event.format === 'opaque' ? 'introspection' : 'token'
      instruments.cacheLookups.add(1, {
        'bearerguard.cache': cache,
        'bearerguard.cache.hit': event.cacheHit,
      })
    }
  }

  authorization(event: AuthorizationEvent): void {
    const attributes: Attributes = { 'bearerguard.outcome': event.outcome }
    if (event.reason !== undefined) attributes['bearerguard.reason'] = event.reason
    if (event.requirement !== undefined) attributes['bearerguard.requirement'] = event.requirement
    this.#current().authorizations.add(1, attributes)
  }

  upstream(event: UpstreamEvent): void {
    const instruments = this.#current()
    instruments.upstream[event.purpose].add(1, { 'bearerguard.result': event.result })
    instruments.upstreamDuration.record(event.seconds, {
      'bearerguard.upstream': event.purpose,
      'bearerguard.result': event.result,
    })
  }

  circuit(
    purpose: UpstreamPurpose,
    endpoint: string,
    state: 'closed' | 'open' | 'half-open',
  ): void {
    this.#current()
    this.#circuits.set(purpose, endpoint, state)
  }

  #current(): Instruments {
    const given = this.#provider
    const provider = typeof given === 'function' ? given() : given
    if (provider !== this.#made || !this.#instruments) {
      this.#made = provider
      this.#instruments = this.#make(this.#meterOf(provider))
    }
    return this.#instruments
  }

  #make(meter: MeterLike): Instruments {
    const circuits = this.#circuits
    meter
      .createObservableGauge('bearerguard.circuit.state', {
        description:
          "Each authorization server endpoint's circuit breaker: 0 closed, 1 half-open (probing), 2 open (paused)",
      })
      .addCallback((result) => {
        for (const { purpose, endpoint, value } of circuits.current()) {
          result.observe(value, { 'bearerguard.upstream': purpose, 'url.full': endpoint })
        }
      })
    const fetches = (name: string, what: string) =>
      meter.createCounter(name, { description: `${what}, by result`, unit: '{request}' })
    return {
      authentications: meter.createCounter('bearerguard.authentications', {
        description: 'Authentications, by outcome and reason (the AuthError code)',
        unit: '{authentication}',
      }),
      duration: meter.createHistogram('bearerguard.authentication.duration', {
        description: 'Time to authenticate a request, by outcome',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      authorizations: meter.createCounter('bearerguard.authorizations', {
        description: 'Route requirement checks, by outcome, reason and the requirement that failed',
        unit: '{authorization}',
      }),
      upstream: {
        discovery: fetches('bearerguard.discovery.fetches', 'Discovery document fetches'),
        jwks: fetches('bearerguard.jwks.fetches', 'JWKS fetches'),
        introspection: fetches('bearerguard.introspection.requests', 'Introspection requests'),
      },
      upstreamDuration: meter.createHistogram('bearerguard.upstream.duration', {
        description: 'Time of calls to the authorization server, by endpoint kind and result',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      cacheLookups: meter.createCounter('bearerguard.cache.lookups', {
        description:
          'Lookups in the verified-token and introspection caches, by cache and hit (the hit ratio is hits ÷ lookups)',
        unit: '{lookup}',
      }),
    }
  }
}
