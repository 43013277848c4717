/**
 * Per-request checks of a cached, active introspection result (RFC 7662 §2.2, RFC 9068 §4):
 * time claims with leeway, audience, issuer, and that it is an access token. Run on every
 * request, after the cache, so a cached entry never outlives its token's validity.
 */
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
  const leeway = policy.clockTolerance
  const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number }
  if (exp !== undefined && exp <= now - leeway) throw new InvalidTokenError('Token has expired')
  if (nbf !== undefined && nbf > now + leeway) throw new InvalidTokenError('Token is not yet valid')
  if (iat !== undefined && iat > now + leeway)
    throw new InvalidTokenError('Token was issued in the future')
  if (typeof claims.iss === 'string' && !policy.trustedIssuers.has(claims.iss)) {
    throw new InvalidTokenError('Token issuer is not trusted')
  }
  if (isRefreshToken(claims)) throw new InvalidTokenError('Refresh tokens are not access tokens')
  const aud = claims.aud as string | string[] | undefined
  if (aud === undefined) {
    if (policy.requireAudience) throw new InvalidTokenError('Token audience is not accepted')
    return
  }
  const list = typeof aud === 'string' ? [aud] : aud
  if (!list.some((a) => policy.audiences.includes(a))) {
    throw new InvalidTokenError('Token audience is not accepted')
  }
}

/** `token_type` (RFC 7662) or Keycloak's `typ` naming a refresh token. */
function isRefreshToken(claims: Record<string, unknown>): boolean {
  for (const name of ['token_type', 'typ']) {
    const value = claims[name]
    if (typeof value === 'string' && /^refresh(_token)?$/i.test(value)) return true
  }
  return false
}
