/** Per-route requirements: `requireScopes()`, `requireAnyScope()`, `requireStepUp()`. */
import type { RouteRequirement, StepUpRequirement } from '@bearerguard/core'
import { refusal, scopeRequirement, stepUpRequirement } from '@bearerguard/core/adapter'
import type { RequestHandler } from 'express'

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
  return requirementMiddleware(scopeRequirement(scopes, 'all', 'requireScopes'), 'requireScopes()')
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
  return requirementMiddleware(
    scopeRequirement(scopes, 'any', 'requireAnyScope'),
    'requireAnyScope()',
  )
}

/**
 * Requires the token's `acr` to be one of `acrValues` and/or its `auth_time` to be at most
 * `maxAge` seconds ago (RFC 9470). Falling short answers 401 `insufficient_user_authentication`
 * with `acr_values` and/or `max_age` in the challenge (through `next(err)`); an anonymous
 * request gets 401. Throws at start-up for an empty or invalid requirement.
 *
 * @example
 * ```ts
 * app.post('/api/payments', requireScopes('payments:write'), requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }), pay)
 * ```
 */
export function requireStepUp(requirement: StepUpRequirement): RequestHandler {
  return requirementMiddleware(stepUpRequirement(requirement, 'requireStepUp'), 'requireStepUp()')
}

/**
 * `next()` when `req.auth` meets `requirement`, else `next(err)` (a 500 without bearerAuth()):
 * the guard is the one `bearerAuth()` remembered in `res.locals`.
 */
function requirementMiddleware(requirement: RouteRequirement, who: string): RequestHandler {
  return (req, res, next) => next(refusal(res.locals, req.auth, requirement, who))
}
