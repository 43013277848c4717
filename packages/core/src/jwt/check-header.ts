/**
 * Checks a JWS protected header before any key is looked up (RFC 8725 §3.1, RFC 7515 §4.1,
 * RFC 9068 §2.1): the algorithm against the issuer's allow-list (`none` never), the `typ`
 * policy, and headers that would make the token choose its own key or processing rules.
 */
import { explained } from '../errors/explanation.js'
import { InvalidTokenError } from '../errors/auth-error.js'

/** Headers that name a key or key location: never fetched, never trusted. */
const KEY_BEARING_HEADERS = ['jku', 'x5u', 'jwk'] as const

/** `typ` values accepted in lenient mode, normalised (lower case, no `application/`). */
const LENIENT_TYPES = new Set(['at+jwt', 'jwt'])

export type TypPolicy = 'strict' | 'lenient'

/** `typ` lower-cased with an `application/` prefix removed (RFC 7515 §4.1.9). */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

/**
 * Throws {@link InvalidTokenError} unless the header is acceptable. Returns the algorithm.
 *
 * @example
 * ```ts
 * const alg = checkHeader({ alg: 'RS256', typ: 'at+jwt' }, new Set(['RS256']), 'strict')
 * ```
 */
export function checkHeader(
  header: Record<string, unknown>,
  algorithms: ReadonlySet<string>,
  typ: TypPolicy,
): string {
  const { alg } = header
  if (typeof alg !== 'string' || alg === '') throw new InvalidTokenError('Token is malformed')
  if (alg.toLowerCase() === 'none') throw new InvalidTokenError('Token is not signed')
  if (!algorithms.has(alg)) {
    throw explained(new InvalidTokenError('Token algorithm is not accepted'), () => ({
      check: 'alg',
      expected: [...algorithms],
      actual: alg,
    }))
  }
  for (const name of KEY_BEARING_HEADERS) {
    if (name in header) throw new InvalidTokenError(`Token header "${name}" is not accepted`)
  }
  if ('crit' in header || 'b64' in header) {
    throw new InvalidTokenError('Token uses unsupported critical extensions')
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new InvalidTokenError('Token is malformed')
  }
  checkTyp(header.typ, typ)
  return alg
}

function checkTyp(value: unknown, policy: TypPolicy): void {
  if (value === undefined && policy === 'lenient') return
  const typ = typeof value === 'string' ? normalizeTyp(value) : undefined
  const ok = typ !== undefined && (policy === 'strict' ? typ === 'at+jwt' : LENIENT_TYPES.has(typ))
  if (!ok) {
    throw explained(new InvalidTokenError('Token type is not accepted'), () => ({
      check: 'typ',
      expected: policy === 'strict' ? ['at+jwt'] : [...LENIENT_TYPES],
      actual: value,
      note: `typ policy "${policy}"`,
    }))
  }
}
