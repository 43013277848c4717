/** What bearerguard's middleware throw for an error: an `AuthException`, or the bug itself. */
import { AuthError } from '@bearerguard/core'
import { AuthException } from './auth-exception.js'

/**
 * An `AuthError` wrapped as an {@link AuthException}; anything else (a bug, for Hono's 500)
 * as it is.
 *
 * @example
 * ```ts
 * throw rejection(error)
 * ```
 */
export function rejection(error: unknown): unknown {
  return error instanceof AuthError ? new AuthException(error) : error
}
