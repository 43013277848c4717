/**
 * The per-route requirement middleware every adapter exports — `requireScopes()`,
 * `requireAnyScope()`, `requireStepUp()` — made once here: each checks its requirement at
 * start-up (a `TypeError` for an empty or malformed one) and hands it to the adapter's
 * middleware, which judges the request with the guard that authenticated it.
 */
import type { RouteRequirement } from '../requirements/route-requirement.js'
import type { StepUpRequirement } from '../stepup/step-up-requirement.js'
import { stepUpRequirement } from '../stepup/step-up-requirement.js'
import { scopeRequirement } from '../scopes/scope-requirement.js'
import { claimsOrPredicate, type ClaimsOrPredicate } from '../requirements/claim-requirement.js'
import { roleRequirement } from '../requirements/role-requirement.js'

/**
 * The three requirement middleware factories of an adapter whose middleware type is `M`.
 *
 * @example
 * ```ts
 * const { requireScopes } = createRequirementMiddlewares<Middleware>((requirement, who) => …)
 * router.get('/orders', requireScopes('orders:read'), list)
 * ```
 */
export interface RequirementMiddlewares<M> {
  /** Every one of `scopes` (403 `insufficient_scope` when one is missing, 401 when anonymous). */
  requireScopes(...scopes: string[]): M
  /** At least one of `scopes`. */
  requireAnyScope(...scopes: string[]): M
  /**
   * RFC 9470 step-up: the token's `acr` one of `acrValues` and/or its `auth_time` at most
   * `maxAge` seconds ago (401 `insufficient_user_authentication` with `acr_values`/`max_age`).
   */
  requireStepUp(requirement: StepUpRequirement): M
  /** Every one of `roles` (`AuthInfo.roles`; 403 `insufficient_scope` without `scope=`). */
  requireRoles(...roles: string[]): M
  /** At least one of `roles`. */
  requireAnyRole(...roles: string[]): M
  /**
   * Claim values (a string/number/boolean equals the claim; an array must all be in it) or a
   * predicate `(auth) => boolean` (403 when false; a throw is a bug, the framework's 500).
   */
  requireClaims(claims: ClaimsOrPredicate): M
}

/**
 * Makes the requirement middleware of an adapter from `middleware(requirement, who)`, which
 * returns the framework's middleware enforcing `requirement` (`who` names it in the error
 * thrown when no `bearerAuth()` ran on the request).
 *
 * @example
 * ```ts
 * export const { requireScopes, requireAnyScope, requireStepUp } =
 *   createRequirementMiddlewares<RequestHandler>((requirement, who) => (req, res, next) =>
 *     next(refusal(res.locals, req.auth, requirement, who)))
 * ```
 */
export function createRequirementMiddlewares<M>(
  middleware: (requirement: RouteRequirement, who: string) => M,
): RequirementMiddlewares<M> {
  return {
    requireScopes: (...scopes) =>
      middleware(scopeRequirement(scopes, 'all', 'requireScopes'), 'requireScopes()'),
    requireAnyScope: (...scopes) =>
      middleware(scopeRequirement(scopes, 'any', 'requireAnyScope'), 'requireAnyScope()'),
    requireStepUp: (requirement) =>
      middleware(stepUpRequirement(requirement, 'requireStepUp'), 'requireStepUp()'),
    requireRoles: (...roles) =>
      middleware(roleRequirement(roles, 'all', 'requireRoles'), 'requireRoles()'),
    requireAnyRole: (...roles) =>
      middleware(roleRequirement(roles, 'any', 'requireAnyRole'), 'requireAnyRole()'),
    requireClaims: (claims) =>
      middleware(claimsOrPredicate(claims, 'requireClaims'), 'requireClaims()'),
  }
}
