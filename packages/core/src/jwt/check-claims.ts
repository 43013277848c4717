/**
 * Validates a JWT claims set (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8725 §3.8–3.9): audience,
 * time claims with leeway, token age, required claims. Written here rather than taken from
 * jose's `jwtVerify` because the resource server must also reject what jose tolerates
 * (an `aud` array with non-string members, an `iat` in the future without `maxTokenAge`)
 * and must say so in its own words.
 */
import { InvalidTokenError } from '../errors/auth-error.js'

/** RFC 9068 §2.2: claims every JWT access token carries (checked when `typ` is strict). */
export const RFC9068_REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']

export interface ClaimsPolicy {
  /** Accepted audiences; at least one must be in `aud`. */
  audiences: readonly string[]
  /** Seconds of leeway. */
  clockTolerance: number
  /** Seconds; older `iat` is rejected. */
  maxTokenAge?: number
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
  const leeway = policy.clockTolerance
  const exp = numericDate(claims, 'exp')
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  if (exp !== undefined && exp <= now - leeway) throw new InvalidTokenError('Token has expired')
  if (nbf !== undefined && nbf > now + leeway) throw new InvalidTokenError('Token is not yet valid')
  if (iat !== undefined && iat > now + leeway)
    throw new InvalidTokenError('Token was issued in the future')
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) throw new InvalidTokenError('Token is missing the "iat" claim')
    if (now - iat - leeway > policy.maxTokenAge) throw new InvalidTokenError('Token is too old')
  }
  const audiences = audienceOf(claims)
  if (!audiences.some((aud) => policy.audiences.includes(aud))) {
    throw new InvalidTokenError('Token audience is not accepted')
  }
  for (const name of ['sub', 'client_id', 'azp', 'jti'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') {
      throw new InvalidTokenError(`Token claim "${name}" is malformed`)
    }
  }
}

/**
 * The time checks alone (`exp`, `nbf`, future `iat`, `maxTokenAge`), with `leeway` seconds:
 * run on every request, including those served from the verified-token cache.
 *
 * @example
 * ```ts
 * checkTimeClaims({ exp: 1_800_000_060 }, 30, undefined, 1_800_000_000)
 * ```
 */
export function checkTimeClaims(
  claims: Readonly<Record<string, unknown>>,
  leeway: number,
  maxTokenAge: number | undefined,
  now: number,
): void {
  const exp = numericDate(claims, 'exp')
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  if (exp !== undefined && exp <= now - leeway) throw new InvalidTokenError('Token has expired')
  if (nbf !== undefined && nbf > now + leeway) throw new InvalidTokenError('Token is not yet valid')
  if (iat !== undefined && iat > now + leeway) {
    throw new InvalidTokenError('Token was issued in the future')
  }
  if (maxTokenAge !== undefined) {
    if (iat === undefined) throw new InvalidTokenError('Token is missing the "iat" claim')
    if (now - iat - leeway > maxTokenAge) throw new InvalidTokenError('Token is too old')
  }
}

/** `aud` as an array of strings; throws when it is neither a string nor an array of strings. */
export function audienceOf(claims: Record<string, unknown>): string[] {
  const { aud } = claims
  if (aud === undefined) return []
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.every((a): a is string => typeof a === 'string')) return aud
  throw new InvalidTokenError('Token claim "aud" is malformed')
}

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = claims[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidTokenError(`Token claim "${name}" is malformed`)
  }
  return value
}
