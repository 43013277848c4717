/**
 * Per-request checks of a cached, active introspection result (RFC 7662 §2.2, RFC 9068 §4):
 * the time claims and the audience (the claims module's rules, shared with JWTs), the issuer,
 * and that it is an access token. Run on every
 * request, after the cache, so a cached entry never outlives its token's validity.
 */
import { checkAudience } from '../claims/audience.js'
import { checkTimeClaims } from '../claims/time-claims.js'
import { InvalidTokenError } from '../errors/auth-error.js'

export interface IntrospectionPolicy {
  audiences: readonly string[]
  requireAudience: boolean
  trustedIssuers: ReadonlySet<string>
  clockTolerance: number
}

/**
 * Throws {@link InvalidTokenError} unless `claims` (an active response) is acceptable at `now`.
 *
 * @example
 * ```ts
 * checkIntrospection(claims, { audiences: ['api'], requireAudience: false, trustedIssuers, clockTolerance: 30 }, Date.now() / 1000)
 * ```
 */
export function checkIntrospection(
  claims: Record<string, unknown>,
  policy: IntrospectionPolicy,
  now: number,
): void {
  // no maxTokenAge: an introspection answer need not carry `iat`, and the authorization
  // server has just vouched for the token
  checkTimeClaims(claims, { clockTolerance: policy.clockTolerance }, now)
  if (typeof claims.iss === 'string' && !policy.trustedIssuers.has(claims.iss)) {
    throw new InvalidTokenError('Token issuer is not trusted')
  }
  if (isRefreshToken(claims)) throw new InvalidTokenError('Refresh tokens are not access tokens')
  checkAudience(claims, policy.audiences, policy.requireAudience)
}

/** `token_type` (RFC 7662) or Keycloak's `typ` naming a refresh token. */
function isRefreshToken(claims: Record<string, unknown>): boolean {
  for (const name of ['token_type', 'typ']) {
    const value = claims[name]
    if (typeof value === 'string' && /^refresh(_token)?$/i.test(value)) return true
  }
  return false
}
