/**
 * Per-endpoint request counters behind `issuer.requestCount()`.
 */
import type { EndpointName } from './routes.js'

/**
 * What `issuer.requestCount()` accepts: an endpoint, or `'all'` for every request received
 * (unknown paths included).
 *
 * @example
 * ```ts
 * const endpoint: CountedEndpoint = 'jwks'
 * issuer.requestCount(endpoint)
 * ```
 */
export type CountedEndpoint = EndpointName | 'all'

/**
 * Counters of requests received, per endpoint.
 *
 * @example
 * ```ts
 * const counts = new RequestCounts()
 * counts.record('jwks')
 * counts.get('jwks') // 1
 * ```
 */
export class RequestCounts {
  #counts = new Map<CountedEndpoint, number>()

  record(endpoint: CountedEndpoint): void {
    this.#counts.set(endpoint, this.get(endpoint) + 1)
  }

  get(endpoint: CountedEndpoint): number {
    return this.#counts.get(endpoint) ?? 0
  }

  reset(): void {
    this.#counts.clear()
  }
}
