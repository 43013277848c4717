/** `requireScopes()` and `requireAnyScope()`: per-route scope requirements. */
import type { ScopeRequirement } from '@bearerguard/core'
import type { RequestHandler } from 'express'
import { requestGuard } from './request-auth.js'

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
  return scopeMiddleware({ scopes: checked(scopes, 'requireScopes'), match: 'all' })
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
  return scopeMiddleware({ scopes: checked(scopes, 'requireAnyScope'), match: 'any' })
}

function scopeMiddleware(requirement: ScopeRequirement): RequestHandler {
  return (req, _res, next) => {
    const guard = requestGuard(req)
    if (!guard) {
      next(
        new Error(
          'bearerguard: requireScopes()/requireAnyScope() need bearerAuth() earlier on the route',
        ),
      )
      return
    }
    try {
      guard.authorize(req.auth, requirement)
    } catch (error) {
      next(error)
      return
    }
    next()
  }
}

function checked(scopes: string[], name: string): string[] {
  if (scopes.length === 0) throw new TypeError(`bearerguard: ${name}() needs at least one scope`)
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw new TypeError(
        `bearerguard: ${name}() got an invalid scope ${JSON.stringify(scope)} (RFC 6749 §3.3)`,
      )
    }
  }
  return scopes
}
