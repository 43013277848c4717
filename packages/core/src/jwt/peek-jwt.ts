/**
 * Reads a compact JWS's header and payload before verification, strictly: exactly three
 * base64url parts, valid UTF-8, JSON objects. jose's `decodeJwt` decodes UTF-8 leniently
 * (replacing invalid bytes), which would let two different byte strings read as the same
 * claims, so the few lines of decoding live here. Nothing read here is trusted until the
 * signature over the very same bytes has been verified.
 */
import { InvalidTokenError } from '../errors/auth-error.js'

/** A JWS split and decoded, not yet verified. */
export interface PeekedJwt {
  header: Record<string, unknown>
  claims: Record<string, unknown>
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Splits and decodes `token`, throwing {@link InvalidTokenError} for anything that is not a
 * compact JWS with a JSON object header and payload.
 *
 * @example
 * ```ts
 * const { header, claims } = peekJwt(token)
 * header.alg // 'RS256'
 * ```
 */
export function peekJwt(token: string): PeekedJwt {
  const parts = token.split('.')
  if (parts.length === 5) throw new InvalidTokenError('Encrypted tokens (JWE) are not accepted')
  if (parts.length !== 3) throw new InvalidTokenError('Token is not a JWT')
  const [head, body, signature] = parts as [string, string, string]
  if (signature === '') throw new InvalidTokenError('Token is not signed')
  if (!canonical(head) || !canonical(body) || !canonical(signature)) {
    throw new InvalidTokenError('Token is malformed')
  }
  const header = decodeObject(head)
  const claims = decodeObject(body)
  if (!header || !claims) throw new InvalidTokenError('Token is malformed')
  return { header, claims }
}

/**
 * base64url without padding, and in its one canonical spelling: the unused low bits of the
 * last character must be zero, so no two strings decode to the same bytes.
 *
 * @example
 * ```ts
 * canonical('e30') // true; canonical('e31') // false: the same bytes spelt another way
 * ```
 */
export function canonical(part: string): boolean {
  return BASE64URL.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part
}

function decodeObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(part, 'base64url')))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    return value as Record<string, unknown>
  } catch {
    return undefined
  }
}
