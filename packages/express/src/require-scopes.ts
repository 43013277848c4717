/**
 * Per-route requirements: `requireScopes()`, `requireAnyScope()`, `requireStepUp()`,
 * `requireRoles()`, `requireAnyRole()`, `requireClaims()`.
 */
import { toRequestLike } from './to-request-like.js'
import type { ClaimsOrPredicate, StepUpRequirement } from '@bearerguard/core'
import { createRequirementMiddlewares, refusal } from '@bearerguard/core/adapter'
import type { RequestHandler } from 'express'

// the guard is the one bearerAuth() remembered in res.locals; none: an Error (a 500, never open)
const middlewares = createRequirementMiddlewares<RequestHandler>(
  (requirement, who) => (req, res, next) =>
    next(refusal(res.locals, req.auth, requirement, who, () => toRequestLike(req))),
)

/**
 * Every one of `scopes`: `next(err)` with a 403 `insufficient_scope` when one is missing, a
 * 401 when anonymous. @example `app.get('/api/orders', requireScopes('orders:read'), list)`
 */
export const requireScopes: (...scopes: string[]) => RequestHandler = middlewares.requireScopes

/** At least one of `scopes`. @example `app.post('/orders', requireAnyScope('orders:write', 'admin'), create)` */
export const requireAnyScope: (...scopes: string[]) => RequestHandler = middlewares.requireAnyScope

/**
 * RFC 9470 step-up: `acr` one of `acrValues` and/or `auth_time` at most `maxAge` s ago, else
 * 401 `insufficient_user_authentication`. @example `requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 })`
 */
export const requireStepUp: (requirement: StepUpRequirement) => RequestHandler =
  middlewares.requireStepUp

/**
 * Every one of `roles` (`req.auth.roles`, from the guard's `roleClaims`): `next(err)` with a 403
 * `insufficient_scope` (no `scope=`) when one is missing. @example `app.delete('/orders/:id', requireRoles('admin'), remove)`
 */
export const requireRoles: (...roles: string[]) => RequestHandler = middlewares.requireRoles

/** At least one of `roles`. @example `app.post('/refunds', requireAnyRole('admin', 'support'), refund)` */
export const requireAnyRole: (...roles: string[]) => RequestHandler = middlewares.requireAnyRole

/**
 * Claim values (a string/number/boolean equals the claim; an array must all be in it) or a
 * predicate `(auth) => boolean`; 403 otherwise, and a predicate that throws is a 500.
 * @example `app.get('/acme', requireClaims({ tenant: 'acme' }), list)`
 */
export const requireClaims: (claims: ClaimsOrPredicate) => RequestHandler =
  middlewares.requireClaims
