/** Turns a failed call to the authorization server into the 503 the API promises. */
import { AuthServerUnavailableError } from '../errors/auth-error.js'
import { CircuitOpenError } from './circuit-breaker.js'
import { UpstreamError } from './fetch-json.js'

/**
 * Awaits `pending`; a network failure, garbage answer or paused endpoint (an open circuit)
 * becomes an `AuthServerUnavailableError` (503 with `Retry-After`); anything else is rethrown.
 *
 * @example
 * ```ts
 * const metadata = await unavailableOnFailure(document.get())
 * ```
 */
export async function unavailableOnFailure<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending
  } catch (error) {
    if (error instanceof CircuitOpenError) {
      throw new AuthServerUnavailableError(
        'The authorization server is unavailable',
        Math.max(1, Math.ceil(error.retryInMs / 1000)),
      )
    }
    if (error instanceof AuthServerUnavailableError) throw error
    if (error instanceof UpstreamError) {
      throw new AuthServerUnavailableError('The authorization server is unavailable', 1)
    }
    throw error
  }
}
