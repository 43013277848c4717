/**
 * Validates a JWT claims set (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8725 §3.8–3.9): required
 * claims, the time claims and the audience (the claims module's rules, shared with
 * introspection answers), and the types of the string claims. Written here rather than taken from
 * jose's `jwtVerify` because the resource server must also reject what jose tolerates
 * (an `aud` array with non-string members, an `iat` in the future without `maxTokenAge`)
 * and must say so in its own words.
 */
import { checkAudience } from '../claims/audience.js'
import { checkTimeClaims, type TimePolicy } from '../claims/time-claims.js'
import { InvalidTokenError } from '../errors/auth-error.js'

/** RFC 9068 §2.2: claims every JWT access token carries (checked when `typ` is strict). */
export const RFC9068_REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']

export interface ClaimsPolicy extends TimePolicy {
  /** Accepted audiences; at least one must be in `aud`. */
  audiences: readonly string[]
  /** Claims that must be present. */
  requiredClaims: readonly string[]
}

/**
 * Throws {@link InvalidTokenError} unless `claims` satisfies `policy` at `now` (seconds).
 *
 * @example
 * ```ts
 * checkClaims(claims, { audiences: ['https://api.example.com'], clockTolerance: 30, requiredClaims: ['exp'] }, Date.now() / 1000)
 * ```
 */
export function checkClaims(
  claims: Record<string, unknown>,
  policy: ClaimsPolicy,
  now: number,
): void {
  for (const name of policy.requiredClaims) {
    if (claims[name] === undefined) {
      throw new InvalidTokenError(`Token is missing the "${name}" claim`)
    }
  }
  checkTimeClaims(claims, policy, now)
  checkAudience(claims, policy.audiences, true)
  for (const name of ['sub', 'client_id', 'azp', 'jti'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') {
      throw new InvalidTokenError(`Token claim "${name}" is malformed`)
    }
  }
}
