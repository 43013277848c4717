/**
 * The scope check shared by `requireScopes()`, `requireAnyScope()` and the scope decorators:
 * the guard stored by `bearerAuth()` judges `ctx.state.auth`. Internal.
 */
import type { RouteRequirement } from '@bearerguard/core'
import type { Context } from 'koa'
import './auth-state.js'
import { requestGuard } from './request-guard.js'

/**
 * Throws the guard's `AuthError` (401 anonymous, 403 `insufficient_scope`, 401
 * `insufficient_user_authentication`) unless
 * `ctx.state.auth` satisfies `requirement` (every one, given a list); throws a plain `Error`
 * (a 500, never open) when `bearerAuth()` did not run first. `who` names the caller in that
 * message.
 *
 * @example
 * ```ts
 * authorizeRequest(ctx, { scopes: ['admin'], match: 'all' }, 'requireScopes()')
 * ```
 */
export function authorizeRequest(
  ctx: Context,
  requirement: RouteRequirement | readonly RouteRequirement[],
  who: string,
): void {
  const guard = requestGuard(ctx)
  if (!guard) {
    throw new Error(`bearerguard: ${who} needs bearerAuth() earlier in the middleware chain`)
  }
  // bearerAuth(), which stored the guard, already made uncaught AuthErrors answer themselves
  guard.authorize(ctx.state.auth, requirement)
}
