/**
 * Prometheus metrics with prom-client, in a registry of the gateway's own: decisions by
 * contract, result and reason; decision latency; the guard's cache hits and misses (and their
 * ratio); failed calls to the authorization server. Labels never carry a token or a subject.
 * Besides these `bearerguard_gateway_*` series, the guard's own (`bearerguard_*`, the names of
 * core's OpenTelemetry metrics) through {@link GatewayMetrics.guardObserver}.
 */
import type { GuardObserver } from '@bearerguard/core'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Decision } from '../decide.js'
import { GuardObserverMetrics } from './guard-observer-metrics.js'

/**
 * Where a decision was asked for (the `contract` label).
 *
 * @example
 * ```ts
 * const contract: Contract = 'envoy'
 * ```
 */
export type Contract = 'nginx' | 'traefik' | 'envoy' | 'proxy'

/**
 * The gateway's metrics.
 *
 * @example
 * ```ts
 * const metrics = new GatewayMetrics()
 * metrics.decision('nginx', decision, 0.0004)
 * res.end(await metrics.registry.metrics())
 * ```
 */
export class GatewayMetrics {
  readonly registry = new Registry()
  /**
   * Records a guard's events (authentications, authorizations, calls to the authorization
   * server, circuits) in {@link GatewayMetrics.registry}: the gateway passes it to the guard it
   * builds as `telemetry: { observer }`; pass it to a guard of your own the same way. One per
   * registry, shared by every guard reporting there.
   */
  readonly guardObserver: GuardObserver
  readonly #decisions: Counter<'contract' | 'result' | 'reason'>
  readonly #latency: Histogram<'contract' | 'result'>
  readonly #cache: Counter<'result'>
  readonly #fetchFailures: Counter<'reason'>
  #hits = 0
  #misses = 0

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry]
    this.#decisions = new Counter({
      name: 'bearerguard_gateway_decisions_total',
      help: 'Decisions, by contract (nginx, traefik, envoy, proxy), result (allow, deny) and reason',
      labelNames: ['contract', 'result', 'reason'],
      registers,
    })
    this.#latency = new Histogram({
      name: 'bearerguard_gateway_decision_duration_seconds',
      help: 'Time to decide, from request to decision (the upstream not included)',
      labelNames: ['contract', 'result'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    })
    this.#cache = new Counter({
      name: 'bearerguard_gateway_token_cache_total',
      help: "Tokens decided by the guard's caches without waiting (hit) or verified anew (miss)",
      labelNames: ['result'],
      registers,
    })
    const ratio = () => {
      const total = this.#hits + this.#misses
      return total === 0 ? 0 : this.#hits / total
    }
    new Gauge({
      name: 'bearerguard_gateway_token_cache_hit_ratio',
      help: 'hits / (hits + misses) of the token caches since start (0 before any token)',
      registers,
      collect() {
        this.set(ratio())
      },
    })
    this.#fetchFailures = new Counter({
      name: 'bearerguard_gateway_fetch_failures_total',
      help: 'Failed calls to the authorization server (discovery, JWKS, introspection), by reason',
      labelNames: ['reason'],
      registers,
    })
    this.guardObserver = new GuardObserverMetrics(this.registry)
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'bearerguard_gateway_' })
    }
  }

  /** Counts one decision and its latency in seconds. */
  decision(contract: Contract, decision: Decision, seconds: number): void {
    const result = decision.allow ? 'allow' : 'deny'
    this.#decisions.inc({ contract, result, reason: decision.reason })
    this.#latency.observe({ contract, result }, seconds)
  }

  /** Counts a token answered by the caches (hit) or verified anew (miss). */
  cache(hit: boolean): void {
    if (hit) this.#hits++
    else this.#misses++
    this.#cache.inc({ result: hit ? 'hit' : 'miss' })
  }

  /** Counts a failed call to the authorization server. */
  fetchFailure(reason: 'network' | 'status'): void {
    this.#fetchFailures.inc({ reason })
  }
}
