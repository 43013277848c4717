/** Which errors are an endpoint's own failure, for its circuit breaker. */
import { UpstreamError } from './fetch-json.js'

/**
 * True for an {@link UpstreamError}: the endpoint could not be reached, timed out, or answered
 * garbage. Anything else — another endpoint's failure (a discovery document needed to find
 * this one), a programming error — is not held against the endpoint by its circuit breaker.
 *
 * @example
 * ```ts
 * await breaker.run(() => fetchJson(jwksUri, http), isUpstreamFailure)
 * ```
 */
export function isUpstreamFailure(error: unknown): boolean {
  return error instanceof UpstreamError
}
