/** Per-route requirements: `requireScopes()`, `requireAnyScope()`, `requireStepUp()`. */
import type { RouteRequirement, StepUpRequirement } from '@bearerguard/core'
import { refusal, scopeRequirement, stepUpRequirement } from '@bearerguard/core/adapter'
import type { Context, Middleware } from 'koa'
import './auth-state.js'

/**
 * Requires every one of `scopes`: throws a 403 `insufficient_scope` when the token lacks one,
 * a 401 when the request is anonymous. Throws at start-up for an empty or invalid list.
 *
 * @example
 * ```ts
 * router.get('/orders', requireScopes('orders:read'), listOrders)
 * ```
 */
export function requireScopes(...scopes: string[]): Middleware {
  return requirementMiddleware(scopeRequirement(scopes, 'all', 'requireScopes'), 'requireScopes()')
}

/**
 * Requires at least one of `scopes`.
 *
 * @example
 * ```ts
 * router.post('/orders', requireAnyScope('orders:write', 'admin'), createOrder)
 * ```
 */
export function requireAnyScope(...scopes: string[]): Middleware {
  return requirementMiddleware(
    scopeRequirement(scopes, 'any', 'requireAnyScope'),
    'requireAnyScope()',
  )
}

/**
 * Requires the token's `acr` to be one of `acrValues` and/or its `auth_time` to be at most
 * `maxAge` seconds ago (RFC 9470). Falling short throws a 401 `insufficient_user_authentication`
 * with `acr_values` and/or `max_age` in the challenge; an anonymous request gets 401. Throws at
 * start-up for an empty or invalid requirement.
 *
 * @example
 * ```ts
 * router.post('/payments', requireScopes('payments:write'), requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }), pay)
 * ```
 */
export function requireStepUp(requirement: StepUpRequirement): Middleware {
  return requirementMiddleware(stepUpRequirement(requirement, 'requireStepUp'), 'requireStepUp()')
}

/**
 * Throws the guard's `AuthError` unless `ctx.state.auth` meets `requirement` (every one, given a
 * list), or a plain `Error` (a 500, never open) when `bearerAuth()` did not run first.
 *
 * @example
 * ```ts
 * authorize(ctx, { scopes: ['admin'], match: 'all' }, 'a decorated handler')
 * ```
 */
export function authorize(
  ctx: Context,
  requirement: RouteRequirement | readonly RouteRequirement[],
  who: string,
): void {
  const refused = refusal(ctx, ctx.state.auth, requirement, who)
  if (refused) throw refused
}

function requirementMiddleware(requirement: RouteRequirement, who: string): Middleware {
  return async (ctx, next) => {
    authorize(ctx, requirement, who)
    await next()
  }
}
