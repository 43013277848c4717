/**
 * The guard that authenticated a request, remembered on an object that lives as long as the
 * request (under a symbol, never in anything an app serializes), so the requirement checks
 * further down the route (`requireScopes()`, `requireStepUp()`, the decorators) judge with its
 * settings and answer with its challenges. Pick a carrier V8 adds a property to cheaply: Koa's
 * `ctx`, Express's `res.locals` — not Express's `req`, whose prototype Express swaps, after
 * which every property added to it costs V8 about 1.5 µs (a WeakMap entry, under load, about
 * as much).
 */
import type { Guard } from '../guard/create-guard.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RequestLike } from '../request/request-like.js'
import type { RouteRequirement } from '../requirements/route-requirement.js'

const GUARD = Symbol.for('bearerguard.guard')

type Carrier = object & { [GUARD]?: Guard }

/**
 * Remembers that `guard` authenticated the request `carrier` stands for (Koa's `ctx`,
 * Express's `res.locals`, …).
 *
 * @example
 * ```ts
 * rememberGuard(req, guard)
 * ```
 */
export function rememberGuard(carrier: object, guard: Guard): void {
  ;(carrier as Carrier)[GUARD] = guard
}

/**
 * The guard remembered for `carrier`, if one authenticated it.
 *
 * @example
 * ```ts
 * const guard = guardOf(ctx)
 * ```
 */
export function guardOf(carrier: object): Guard | undefined {
  return (carrier as Carrier)[GUARD]
}

/**
 * Why the request `carrier` stands for may not go on: `undefined` when `auth` satisfies
 * `requirement` (every one, given a list); else the guard's rendered `AuthError` (401 for an
 * anonymous caller, 403 `insufficient_scope`, 401 `insufficient_user_authentication`), or a
 * plain `Error` — a 500, never an open door — when no guard authenticated the request (`who`,
 * e.g. `'requireScopes()'`, names the caller in its message). `request` describes the request
 * to `onRejected` and the explainer (called only on a refusal).
 *
 * @example
 * ```ts
 * next(refusal(req, req.auth, { scopes: ['admin'], match: 'all' }, 'requireScopes()'))
 * ```
 */
export function refusal(
  carrier: object,
  auth: AuthInfo | undefined,
  requirement: RouteRequirement | readonly RouteRequirement[],
  who: string,
  request?: () => RequestLike,
): Error | undefined {
  const guard = guardOf(carrier)
  if (!guard) return new Error(`bearerguard: ${who} needs bearerAuth() earlier on the route`)
  try {
    guard.authorize(auth, requirement, request)
    return undefined
  } catch (error) {
    return error as Error
  }
}
