/**
 * Everything `guard.authorize` checks, and the one check: scopes (RFC 6750), roles, claim
 * values, a predicate of yours, the user's authentication (RFC 9470). A requirement object
 * may combine several (`{ scopes, roles }`): all must hold.
 */
import { explained } from '../errors/explanation.js'
import type { AuthInfo } from '../identity/auth-info.js'
import { checkScopes, type ScopeRequirement } from '../scopes/scope-requirement.js'
import { checkStepUp, type StepUpRequirement } from '../stepup/step-up-requirement.js'
import { checkClaims, type ClaimRequirement } from './claim-requirement.js'
import { checkRoles, type RoleRequirement } from './role-requirement.js'
import { InsufficientScopeError } from '../errors/auth-error.js'

/**
 * A predicate over the caller's identity: `true` lets the request through, `false` is a 403
 * `insufficient_scope` (without `scope=`). It must return a boolean, synchronously; if it
 * throws, the error is a bug (the framework's 500), never a 401 or 403.
 *
 * @example
 * ```ts
 * const ownTenant: PredicateRequirement = (auth) => auth.claims.tid === 'acme'
 * ```
 */
export type PredicateRequirement = (auth: AuthInfo) => boolean

/**
 * Anything `guard.authorize` checks.
 *
 * @example
 * ```ts
 * guard.authorize(auth, [{ scopes: ['orders:write'] }, { roles: ['admin'] }, { acrValues: ['urn:example:mfa'] }])
 * guard.authorize(auth, (auth) => auth.subject === 'alice')
 * ```
 */
export type RouteRequirement =
  ScopeRequirement | StepUpRequirement | RoleRequirement | ClaimRequirement | PredicateRequirement

/** The keys that make an object a requirement. */
const KEYS = ['scopes', 'roles', 'anyRoles', 'claims', 'acrValues', 'maxAge'] as const

type AnyRequirement = Partial<
  ScopeRequirement &
    StepUpRequirement &
    ClaimRequirement & { roles: readonly string[]; anyRoles: readonly string[] }
>

/**
 * True for a value `guard.authorize` can check: a function, or an object with at least one
 * requirement key whose value has the right type (what the `require…()` builders check in
 * full, at start-up).
 *
 * @example
 * ```ts
 * isRouteRequirement({ roles: ['admin'] }) // true
 * isRouteRequirement({ role: 'admin' })    // false
 * ```
 */
export function isRouteRequirement(value: unknown): value is RouteRequirement {
  if (typeof value === 'function') return true
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  let any = false
  for (const key of KEYS) {
    const v = r[key]
    if (v === undefined) continue
    any = true
    const ok =
      key === 'maxAge'
        ? typeof v === 'number'
        : key === 'claims'
          ? typeof v === 'object' && v !== null
          : Array.isArray(v)
    if (!ok) return false
  }
  return any
}

/**
 * Checks one requirement against the caller: throws the `AuthError` of the first part that
 * fails (403 `insufficient_scope`, or 401 `insufficient_user_authentication` for step-up), or
 * whatever a predicate throws.
 *
 * @example
 * ```ts
 * checkRequirement(auth, { scopes: ['orders:read'], roles: ['staff'] }, Date.now() / 1000, 30)
 * ```
 */
export function checkRequirement(
  auth: AuthInfo,
  requirement: RouteRequirement,
  now: number,
  clockTolerance: number,
): void {
  if (typeof requirement === 'function') {
    const verdict: unknown = requirement(auth)
    if (verdict === true) return
    if (verdict === false)
      throw explained(
        new InsufficientScopeError([], 'The token does not meet the route requirement'),
        () => ({ check: 'predicate', expected: requirement.name || 'a predicate', actual: false }),
      )
    throw new TypeError(
      `bearerguard: a requirement predicate must return true or false synchronously, got ${verdict instanceof Promise ? 'a promise' : typeof verdict}`,
    )
  }
  const r = requirement as AnyRequirement
  if (r.scopes !== undefined) checkScopes(auth.scopes, r as ScopeRequirement)
  if (r.roles !== undefined || r.anyRoles !== undefined) checkRoles(auth.roles, r)
  if (r.claims !== undefined) checkClaims(auth.claims, r as ClaimRequirement)
  if (r.acrValues !== undefined || r.maxAge !== undefined) {
    checkStepUp(auth.claims, r, now, clockTolerance)
  }
}
