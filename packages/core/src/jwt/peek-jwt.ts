/**
 * Reads a compact JWS's header and payload before verification, strictly: exactly three
 * base64url parts, valid UTF-8, JSON objects. jose's `decodeJwt` decodes UTF-8 leniently
 * (replacing invalid bytes), which would let two different byte strings read as the same
 * claims, so the few lines of decoding live here. Nothing read here is trusted until the
 * signature over the very same bytes has been verified.
 */
import { InvalidTokenError } from '../errors/auth-error.js'
import { base64urlDecode } from '../platform/base64.js'

/** A JWS split and decoded, not yet verified. */
export interface PeekedJwt {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** The bytes the signature covers: `header.payload`, as sent. */
  signingInput: string
  /** The decoded signature. */
  signature: Uint8Array
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Splits and decodes `token`, throwing {@link InvalidTokenError} for anything that is not a
 * compact JWS with a JSON object header and payload. Each part is decoded once.
 *
 * @example
 * ```ts
 * const { header, claims } = peekJwt(token)
 * header.alg // 'RS256'
 * ```
 */
export function peekJwt(token: string): PeekedJwt {
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (first === -1 || second === -1) throw new InvalidTokenError('Token is not a JWT')
  if (token.indexOf('.', second + 1) !== -1) {
    throw new InvalidTokenError(
      token.split('.').length === 5
        ? 'Encrypted tokens (JWE) are not accepted'
        : 'Token is not a JWT',
    )
  }
  if (second === token.length - 1) throw new InvalidTokenError('Token is not signed')
  const head = decodePart(token.slice(0, first))
  const body = decodePart(token.slice(first + 1, second))
  const signature = decodePart(token.slice(second + 1))
  if (!head || !body || !signature) throw new InvalidTokenError('Token is malformed')
  const header = parseObject(head)
  const claims = parseObject(body)
  if (!header || !claims) throw new InvalidTokenError('Token is malformed')
  return { header, claims, signingInput: token.slice(0, second), signature }
}

/**
 * Whether `part` is base64url in its one canonical spelling (no padding, no stray bits): a
 * token has one spelling, so a cache or a replay store keyed by it cannot be fooled.
 *
 * @example
 * ```ts
 * canonical('eyJhbGciOiJFUzI1NiJ9') // true
 * ```
 */
export function canonical(part: string): boolean {
  return decodePart(part) !== undefined
}

/** Base64url alphabet values, by character code. */
const VALUE = new Int8Array(128).fill(-1)
for (const [i, ch] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  VALUE[ch.charCodeAt(0)] = i
}

/**
 * The bytes of a canonical base64url part, or undefined. Canonical (RFC 4648 §3.5): only the
 * alphabet, no padding, no length that leaves a lone character, and zero in the bits of the
 * last character that encode no byte — the one spelling that decodes to these bytes.
 */
function decodePart(part: string): Uint8Array | undefined {
  if (!BASE64URL.test(part)) return undefined
  const tail = part.length % 4
  if (tail === 1) return undefined
  if (tail !== 0) {
    const last = VALUE[part.charCodeAt(part.length - 1)] as number
    if ((last & (tail === 2 ? 0x0f : 0x03)) !== 0) return undefined
  }
  return base64urlDecode(part)
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    return value as Record<string, unknown>
  } catch {
    return undefined
  }
}
