/**
 * Per-route requirements: `requireScopes()`, `requireAnyScope()`, `requireStepUp()`,
 * `requireRoles()`, `requireAnyRole()`, `requireClaims()`.
 */
import { toRequestLike } from './to-request-like.js'
import type { RouteRequirement } from '@bearerguard/core'
import { createRequirementMiddlewares, refusal } from '@bearerguard/core/adapter'
import type { Context, Middleware } from 'koa'
import './auth-state.js'

export const {
  /**
   * Every one of `scopes`: throws a 403 `insufficient_scope` when one is missing, a 401 when
   * anonymous. @example `router.get('/orders', requireScopes('orders:read'), list)`
   */
  requireScopes,
  /** At least one of `scopes`. @example `router.post('/orders', requireAnyScope('orders:write', 'admin'), create)` */
  requireAnyScope,
  /**
   * RFC 9470 step-up: `acr` one of `acrValues` and/or `auth_time` at most `maxAge` s ago, else
   * 401 `insufficient_user_authentication`. @example `requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 })`
   */
  requireStepUp,
  /**
   * Every one of `roles` (`ctx.state.auth.roles`): throws a 403 `insufficient_scope` (no
   * `scope=`) when one is missing. @example `router.delete('/orders/:id', requireRoles('admin'), remove)`
   */
  requireRoles,
  /** At least one of `roles`. @example `router.post('/refunds', requireAnyRole('admin', 'support'), refund)` */
  requireAnyRole,
  /**
   * Claim values (a string/number/boolean equals the claim; an array must all be in it) or a
   * predicate `(auth) => boolean`; 403 otherwise (a predicate that throws is a 500).
   * @example `router.get('/acme', requireClaims({ tenant: 'acme' }), list)`
   */
  requireClaims,
} = createRequirementMiddlewares<Middleware>((requirement, who) => async (ctx, next) => {
  authorize(ctx, requirement, who)
  await next()
})

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
  const refused = refusal(ctx, ctx.state.auth, requirement, who, () => toRequestLike(ctx))
  if (refused) throw refused
}
