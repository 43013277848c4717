/**
 * Per-route requirements: `requireScopes()`, `requireAnyScope()`, `requireStepUp()`,
 * `requireRoles()`, `requireAnyRole()`, `requireClaims()`.
 */
import { toRequestLike } from './to-request-like.js'
import { createRequirementMiddlewares, refusal } from '@bearerguard/core/adapter'
import type { MiddlewareHandler } from 'hono'
import './auth-variables.js'
import { rejection } from './rejection.js'

export const {
  /**
   * Every one of `scopes`: throws a 403 `insufficient_scope` (with `scope="…"`) when one is
   * missing, a 401 when anonymous. @example `app.get('/api/orders', requireScopes('orders:read'), list)`
   */
  requireScopes,
  /** At least one of `scopes`. @example `app.post('/api/orders', requireAnyScope('orders:write', 'admin'), create)` */
  requireAnyScope,
  /**
   * RFC 9470 step-up: `acr` one of `acrValues` and/or `auth_time` at most `maxAge` s ago, else
   * 401 `insufficient_user_authentication`. @example `requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 })`
   */
  requireStepUp,
  /**
   * Every one of `roles` (`c.get('auth').roles`): throws a 403 `insufficient_scope` (no
   * `scope=`) when one is missing. @example `app.delete('/api/orders/:id', requireRoles('admin'), remove)`
   */
  requireRoles,
  /** At least one of `roles`. @example `app.post('/api/refunds', requireAnyRole('admin', 'support'), refund)` */
  requireAnyRole,
  /**
   * Claim values (a string/number/boolean equals the claim; an array must all be in it) or a
   * predicate `(auth) => boolean`; 403 otherwise (a predicate that throws is a 500).
   * @example `app.get('/api/acme', requireClaims({ tenant: 'acme' }), list)`
   */
  requireClaims,
} = createRequirementMiddlewares<MiddlewareHandler>((requirement, who) => (c, next) => {
  const refused = refusal(c, c.get('auth'), requirement, who, () => toRequestLike(c))
  if (refused) throw rejection(refused)
  return next()
})
