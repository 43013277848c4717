/**
 * The audience of a token (RFC 7519 §4.1.3, RFC 7662 §2.2): `aud` is one string or an array
 * of strings, and at least one of them must be an audience this resource accepts. One rule for
 * JWTs and introspection answers alike; only whether `aud` may be missing differs (a JWT
 * access token must name its audience, RFC 9068 §3; an introspection answer may leave it out,
 * unless `introspection.requireAudience`).
 */
import { explained } from '../errors/explanation.js'
import { InvalidTokenError } from '../errors/auth-error.js'

/**
 * `aud` as an array of strings (empty when absent); throws {@link InvalidTokenError} when it is
 * neither a string nor an array of strings.
 *
 * @example
 * ```ts
 * audienceOf({ aud: 'https://api.example.com' }) // ['https://api.example.com']
 * ```
 */
export function audienceOf(claims: Readonly<Record<string, unknown>>): string[] {
  const { aud } = claims
  if (aud === undefined) return []
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.every((a): a is string => typeof a === 'string')) return aud
  throw new InvalidTokenError('Token claim "aud" is malformed')
}

/**
 * Throws {@link InvalidTokenError} unless one of the token's audiences is in `accepted` — or,
 * when `required` is false, the token names none at all.
 *
 * @example
 * ```ts
 * checkAudience(claims, ['https://api.example.com'], true)
 * ```
 */
export function checkAudience(
  claims: Readonly<Record<string, unknown>>,
  accepted: readonly string[],
  required: boolean,
): void {
  const audiences = audienceOf(claims)
  if (audiences.length === 0 && !required) return
  if (!audiences.some((aud) => accepted.includes(aud))) {
    throw explained(new InvalidTokenError('Token audience is not accepted'), () => ({
      check: 'audience',
      expected: accepted,
      actual: audiences,
    }))
  }
}
