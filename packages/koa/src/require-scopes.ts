/** `requireScopes()` and `requireAnyScope()`: per-route scope requirements. */
import { scopeRequirement } from '@bearerguard/core'
import type { Middleware } from 'koa'
import { authorizeRequest } from './authorize-request.js'

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
  const requirement = scopeRequirement(scopes, 'all', 'requireScopes')
  return async (ctx, next) => {
    authorizeRequest(ctx, requirement, 'requireScopes()')
    await next()
  }
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
  const requirement = scopeRequirement(scopes, 'any', 'requireAnyScope')
  return async (ctx, next) => {
    authorizeRequest(ctx, requirement, 'requireAnyScope()')
    await next()
  }
}
