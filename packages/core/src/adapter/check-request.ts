/**
 * The value-or-promise call every adapter makes: the guard's pipeline decides at once when it
 * can (a cached token, no token, a malformed request) and returns a promise otherwise; this
 * hands either outcome to the adapter's two callbacks, so an adapter never juggles the two.
 */
import type { Guard } from '../guard/create-guard.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RequestLike } from '../request/request-like.js'

/**
 * Runs `guard.check(request)` and calls `onAuth` with the caller's identity (`undefined` for
 * an anonymous request to an `optional` guard) or `onError` with the rendered `AuthError` —
 * synchronously when the guard decided at once, else when its promise settles. Returns what
 * the callback returned (or a promise of it). Anything that is not an `AuthError` (a bug) goes
 * to `onError` too, for the framework's 500.
 *
 * @example
 * ```ts
 * // Express
 * checkRequest(guard, toRequestLike(req), (auth) => { req.auth = auth; next() }, next)
 * ```
 */
export function checkRequest<R>(
  guard: Guard,
  request: RequestLike,
  onAuth: (auth: AuthInfo | undefined) => R,
  onError: (error: unknown) => R,
): R | Promise<R> {
  let result: AuthInfo | undefined | Promise<AuthInfo | undefined>
  try {
    result = guard.check(request)
  } catch (error) {
    return onError(error)
  }
  return result instanceof Promise ? result.then(onAuth, onError) : onAuth(result)
}
