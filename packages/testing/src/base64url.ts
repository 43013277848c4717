/**
 * Encodes bytes, or a string as UTF-8, with unpadded base64url (RFC 4648 §5): the encoding of
 * every part of a compact JWS.
 *
 * @example
 * ```ts
 * import { base64url } from '@bearerguard/testing'
 *
 * base64url('{"alg":"none"}') // 'eyJhbGciOiJub25lIn0'
 * base64url(new Uint8Array([0xff, 0xfe])) // '__4'
 * ```
 */
export function base64url(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input)
  return bytes.toString('base64url')
}
