/**
 * Per-route claim requirements: values the token's claims must hold (express-oauth2-jwt-bearer's
 * `claimEquals` / `claimIncludes`), and the check that enforces them.
 */
import { explained } from '../errors/explanation.js'
import { InsufficientScopeError } from '../errors/auth-error.js'
import type { AuthInfo } from '../identity/auth-info.js'

/**
 * A value a claim is compared with.
 *
 * @example
 * ```ts
 * const tenant: ClaimValue = 'acme'
 * ```
 */
export type ClaimValue = string | number | boolean

/**
 * What a route requires of the token's claims, by top-level claim name: a string, number or
 * boolean must equal the claim; an array must all be in the claim (an array, or a
 * space-delimited string).
 *
 * @example
 * ```ts
 * const acmeOps: ClaimRequirement = { claims: { tenant: 'acme', groups: ['ops'] } }
 * ```
 */
export interface ClaimRequirement {
  claims: Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>
}

const isValue = (value: unknown): value is ClaimValue =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value))

/**
 * Builds a claim requirement, checking it at start-up: a plain object with at least one claim,
 * each expecting a string, a finite number, a boolean, or a non-empty list of those. `name` is
 * the API the user called, for the message.
 *
 * @example
 * ```ts
 * claimRequirement({ tenant: 'acme' }, 'requireClaims') // { claims: { tenant: 'acme' } }
 * claimRequirement({}, 'requireClaims')                 // throws TypeError
 * ```
 */
export function claimRequirement(claims: unknown, name: string): ClaimRequirement {
  if (
    typeof claims !== 'object' ||
    claims === null ||
    Array.isArray(claims) ||
    Object.getPrototypeOf(claims) !== Object.prototype
  ) {
    throw new TypeError(`bearerguard: ${name}() needs an object of claim values, or a predicate`)
  }
  const entries = Object.entries(claims)
  if (entries.length === 0) throw new TypeError(`bearerguard: ${name}() needs at least one claim`)
  // no prototype: a claim named "__proto__" (JSON config can hold one) stays a claim to check
  const out = Object.create(null) as Record<string, ClaimValue | readonly ClaimValue[]>
  for (const [claim, expected] of entries) {
    const valid = Array.isArray(expected)
      ? expected.length > 0 && expected.every(isValue)
      : isValue(expected)
    if (!valid) {
      throw new TypeError(
        `bearerguard: ${name}() claim "${claim}" must expect a string, a number, a boolean or a non-empty list of them`,
      )
    }
    out[claim] = Array.isArray(expected) ? Object.freeze([...expected]) : (expected as ClaimValue)
  }
  return { claims: Object.freeze(out) }
}

/**
 * Throws a 403 {@link InsufficientScopeError} (without `scope=`) unless `claims` hold every
 * value of `requirement` (see {@link ClaimRequirement}). Only own properties count.
 *
 * @example
 * ```ts
 * checkClaims({ tenant: 'acme', groups: 'ops dev' }, { claims: { tenant: 'acme', groups: ['ops'] } }) // ok
 * checkClaims({ tenant: 'umbrella' }, { claims: { tenant: 'acme' } })                                  // throws
 * ```
 */
export function checkClaims(
  claims: Readonly<Record<string, unknown>>,
  requirement: ClaimRequirement,
): void {
  for (const name in requirement.claims) {
    const expected = requirement.claims[name]
    const actual = Object.hasOwn(claims, name) ? claims[name] : undefined
    if (!holds(actual, expected as ClaimValue | readonly ClaimValue[])) {
      throw explained(
        new InsufficientScopeError([], 'The token lacks a required claim value'),
        () => ({ check: `claim "${name}"`, expected, actual }),
      )
    }
  }
}

function holds(actual: unknown, expected: ClaimValue | readonly ClaimValue[]): boolean {
  if (!Array.isArray(expected)) return actual === expected
  const list: readonly unknown[] | undefined = Array.isArray(actual)
    ? actual
    : typeof actual === 'string'
      ? actual.split(' ')
      : undefined
  return list !== undefined && expected.every((value) => list.includes(value))
}

/**
 * What `requireClaims()` / `RequireClaims()` take: claim values (see {@link ClaimRequirement})
 * or a predicate over the caller's identity.
 *
 * @example
 * ```ts
 * const input: ClaimsOrPredicate = { tenant: 'acme' }
 * const check: ClaimsOrPredicate = (auth) => auth.claims.tenant === 'acme'
 * ```
 */
export type ClaimsOrPredicate =
  Readonly<Record<string, ClaimValue | readonly ClaimValue[]>> | ((auth: AuthInfo) => boolean)

/**
 * The requirement of `requireClaims(input)`: a checked {@link ClaimRequirement}, or the
 * predicate itself.
 *
 * @example
 * ```ts
 * claimsOrPredicate({ tenant: 'acme' }, 'requireClaims') // { claims: { tenant: 'acme' } }
 * ```
 */
export function claimsOrPredicate(
  input: ClaimsOrPredicate,
  name: string,
): ClaimRequirement | ((auth: AuthInfo) => boolean) {
  return typeof input === 'function' ? input : claimRequirement(input, name)
}
