/** Tells a JWS-shaped token from an opaque one, for `tokenFormat: 'auto'`. */

/**
 * True when `token` has three dot-separated parts and the first decodes to a JSON object
 * with an `alg`. Nothing is trusted by this test; it only picks the verification path.
 *
 * @example
 * ```ts
 * looksLikeJws('eyJhbGciOiJSUzI1NiJ9.e30.c2ln') // true
 * looksLikeJws('2YotnFZFEjr1zCsicMWpAA')          // false
 * ```
 */
export function looksLikeJws(token: string): boolean {
  const first = token.indexOf('.')
  if (first <= 0 || !token.startsWith('eyJ')) return false
  const second = token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) return false
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.slice(0, first), 'base64url').toString('utf8'),
    )
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === 'string'
    )
  } catch {
    return false
  }
}
