/** Shared secrets given as strings or bytes, checked for length once. */
import { GuardOptionError } from './option-error.js'

/** The least a shared secret may hold (RFC 7518 §3.2 for HS256; also used for DPoP nonces). */
export const MIN_SECRET_BYTES = 32

/**
 * `secret` as bytes (a string as UTF-8); throws a {@link GuardOptionError} for option `where`,
 * ending with `hint`, when it holds fewer than {@link MIN_SECRET_BYTES}.
 *
 * @example
 * ```ts
 * const key = secretBytes(o.secret, 'secret', '(RFC 7518 §3.2)')
 * ```
 */
export function secretBytes(secret: string | Uint8Array, where: string, hint: string): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new GuardOptionError(where, `must be at least ${MIN_SECRET_BYTES} bytes ${hint}`)
  }
  return bytes
}
