/** `requireScopes()` and `requireAnyScope()`: per-route scope requirements. */
import { scopeRequirement, type ScopeRequirement } from '@bearerguard/core'
import type { RequestHandler } from 'express'
import { authorizeRequest } from './authorize-request.js'

/**
 * Requires every one of `scopes`. Answers 403 `insufficient_scope` (through `next(err)`)
 * when the token lacks one, 401 when the request is anonymous.
 *
 * @example
 * ```ts
 * app.get('/api/orders', requireScopes('orders:read'), listOrders)
 * ```
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  return scopeMiddleware(scopeRequirement(scopes, 'all', 'requireScopes'))
}

/**
 * Requires at least one of `scopes`.
 *
 * @example
 * ```ts
 * app.post('/api/orders', requireAnyScope('orders:write', 'admin'), createOrder)
 * ```
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return scopeMiddleware(scopeRequirement(scopes, 'any', 'requireAnyScope'))
}

function scopeMiddleware(requirement: ScopeRequirement): RequestHandler {
  return (req, _res, next) => {
    next(authorizeRequest(req, requirement, 'requireScopes()/requireAnyScope()'))
  }
}
