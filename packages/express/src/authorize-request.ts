/**
 * The check shared by `requireScopes()`, `requireAnyScope()`, `requireStepUp()` and the scope
 * decorators: the guard stored by `bearerAuth()` judges `req.auth`. Internal.
 */
import type { RouteRequirement } from '@bearerguard/core'
import type { Request } from 'express'
import { requestGuard } from './request-auth.js'

/**
 * What to pass to `next()`: nothing when `req.auth` satisfies `requirement` (every one, given
 * a list); else the guard's `AuthError` (401 anonymous, 403 `insufficient_scope`, 401
 * `insufficient_user_authentication`), or a plain `Error` (a 500, never open) when
 * `bearerAuth()` did not run first. `who` names the caller in that message.
 *
 * @example
 * ```ts
 * next(authorizeRequest(req, { scopes: ['admin'], match: 'all' }, 'requireScopes()'))
 * ```
 */
export function authorizeRequest(
  req: Request,
  requirement: RouteRequirement | readonly RouteRequirement[],
  who: string,
): unknown {
  const guard = requestGuard(req)
  if (!guard) return new Error(`bearerguard: ${who} needs bearerAuth() earlier on the route`)
  try {
    guard.authorize(req.auth, requirement)
    return undefined
  } catch (error) {
    return error
  }
}
