/**
 * Step-up authentication (RFC 9470): a route may require the user to have authenticated with
 * one of some `acr` values, and/or no longer ago than some number of seconds (`auth_time`).
 * A token that falls short gets 401 `insufficient_user_authentication` with `acr_values` and/or
 * `max_age`, which the client hands to the authorization server to get a token that does not.
 */
import { explained } from '../errors/explanation.js'
import { InsufficientUserAuthenticationError } from '../errors/auth-error.js'
import { SCOPE_TOKEN } from '../scopes/scope-requirement.js'

/**
 * What a route requires of the user's authentication. At least one of the two is set.
 *
 * @example
 * ```ts
 * const mfa: StepUpRequirement = { acrValues: ['urn:example:mfa'] }
 * const recent: StepUpRequirement = { maxAge: 300 }
 * const both: StepUpRequirement = { acrValues: ['urn:example:mfa', 'urn:example:hwk'], maxAge: 300 }
 * ```
 */
export interface StepUpRequirement {
  /** The token's `acr` claim must be one of these (RFC 9470 §3, OpenID Connect Core §2). */
  acrValues?: readonly string[]
  /** The token's `auth_time` must be at most this many seconds ago. */
  maxAge?: number
}

/** An `acr` value as the challenge can carry it: the characters of a scope-token. */
const ACR_VALUE = SCOPE_TOKEN

/**
 * Checks a step-up requirement at start-up and returns a copy of it: at least one of
 * `acrValues` (a non-empty list of values without spaces, quotes or backslashes) and `maxAge`
 * (a whole number of seconds, zero or more). `name` is the API the user called, for the message.
 *
 * @example
 * ```ts
 * stepUpRequirement({ acrValues: ['urn:example:mfa'], maxAge: 300 }, 'requireStepUp')
 * stepUpRequirement({}, 'requireStepUp') // throws TypeError
 * ```
 */
export function stepUpRequirement(input: StepUpRequirement, name: string): StepUpRequirement {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`bearerguard: ${name}() needs { acrValues?, maxAge? }`)
  }
  const { acrValues, maxAge } = input
  if (acrValues === undefined && maxAge === undefined) {
    throw new TypeError(`bearerguard: ${name}() needs acrValues, maxAge or both`)
  }
  const out: StepUpRequirement = {}
  if (acrValues !== undefined) {
    if (!Array.isArray(acrValues) || acrValues.length === 0) {
      throw new TypeError(`bearerguard: ${name}() acrValues must be a non-empty list of strings`)
    }
    for (const value of acrValues as unknown[]) {
      if (typeof value !== 'string' || !ACR_VALUE.test(value)) {
        throw new TypeError(
          `bearerguard: ${name}() got an invalid acr value ${JSON.stringify(value)}: no spaces, quotes or backslashes`,
        )
      }
    }
    out.acrValues = [...acrValues]
  }
  if (maxAge !== undefined) {
    if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0) {
      throw new TypeError(`bearerguard: ${name}() maxAge must be a whole number of seconds ≥ 0`)
    }
    out.maxAge = maxAge
  }
  return out
}

/**
 * True for a {@link StepUpRequirement} (as opposed to a scope requirement, which has `scopes`).
 *
 * @example
 * ```ts
 * isStepUpRequirement({ maxAge: 300 })          // true
 * isStepUpRequirement({ scopes: ['orders:read'] }) // false
 * ```
 */
export function isStepUpRequirement(value: object): value is StepUpRequirement {
  return !('scopes' in value) && ('acrValues' in value || 'maxAge' in value)
}

/**
 * Throws {@link InsufficientUserAuthenticationError} unless `claims` meet `requirement`: `acr`
 * one of `acrValues`; `auth_time` a number no more than `maxAge` (plus `clockTolerance`)
 * seconds before `now`, and not later than `now` (plus `clockTolerance`). The error carries the
 * whole requirement, since the new authentication has to meet all of it.
 *
 * @example
 * ```ts
 * checkStepUp({ acr: 'urn:example:mfa', auth_time: now - 60 }, { maxAge: 300 }, now, 30) // ok
 * checkStepUp({ auth_time: now - 3600 }, { maxAge: 300 }, now, 30)                       // throws
 * ```
 */
export function checkStepUp(
  claims: Readonly<Record<string, unknown>>,
  requirement: StepUpRequirement,
  now: number,
  clockTolerance: number,
): void {
  const { acrValues, maxAge } = requirement
  if (acrValues && acrValues.length > 0) {
    const acr = claims.acr
    if (typeof acr !== 'string' || !acrValues.includes(acr)) {
      throw explained(
        new InsufficientUserAuthenticationError(
          requirement,
          'A stronger authentication is required',
        ),
        () => ({ check: 'acr', expected: acrValues, actual: acr }),
      )
    }
  }
  if (maxAge !== undefined) {
    const authTime = claims.auth_time
    const recent =
      typeof authTime === 'number' &&
      Number.isFinite(authTime) &&
      now - authTime <= maxAge + clockTolerance &&
      authTime <= now + clockTolerance
    if (!recent) {
      throw explained(
        new InsufficientUserAuthenticationError(
          requirement,
          'A more recent authentication is required',
        ),
        () => ({
          check: 'auth_time',
          expected: `within ${maxAge} s (+ ${clockTolerance} s leeway)`,
          actual:
            typeof authTime === 'number'
              ? `authenticated ${Math.round(now - authTime)} s ago (auth_time ${authTime})`
              : authTime,
        }),
      )
    }
  }
}
