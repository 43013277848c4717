/**
 * The guard that authenticated a request, remembered beside the framework's request object —
 * in a WeakMap keyed by it, not on it: adding a property to Express's `req` (whose prototype
 * Express swaps) costs V8 about 1.5 µs — so the requirement checks further down the route
 * (`requireScopes()`, `requireStepUp()`, the decorators) judge with its settings and answer
 * with its challenges. The entry goes when the request object does.
 */
import type { Guard } from '../guard/create-guard.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RouteRequirement } from '../stepup/step-up-requirement.js'

const guards = new WeakMap<object, Guard>()

/**
 * Remembers that `guard` authenticated the request `carrier` stands for (Express's `req`,
 * Koa's `ctx`, …).
 *
 * @example
 * ```ts
 * rememberGuard(req, guard)
 * ```
 */
export function rememberGuard(carrier: object, guard: Guard): void {
  guards.set(carrier, guard)
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
  return guards.get(carrier)
}

/**
 * Why the request `carrier` stands for may not go on: `undefined` when `auth` satisfies
 * `requirement` (every one, given a list); else the guard's rendered `AuthError` (401 for an
 * anonymous caller, 403 `insufficient_scope`, 401 `insufficient_user_authentication`), or a
 * plain `Error` — a 500, never an open door — when no guard authenticated the request (`who`,
 * e.g. `'requireScopes()'`, names the caller in its message).
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
): Error | undefined {
  const guard = guardOf(carrier)
  if (!guard) return new Error(`bearerguard: ${who} needs bearerAuth() earlier on the route`)
  try {
    guard.authorize(auth, requirement)
    return undefined
  } catch (error) {
    return error as Error
  }
}
