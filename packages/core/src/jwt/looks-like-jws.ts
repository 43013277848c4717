/** Tells a JWS-shaped token from an opaque one, for `tokenFormat: 'auto'`. */

/**
 * True when `token` is shaped as a compact JWS: three dot-separated parts, the first the
 * base64url of a JSON object (`eyJ` is `{"`). Nothing is read or trusted by this test — it
 * only picks the verification path, and the JWT path then refuses anything malformed.
 *
 * @example
 * ```ts
 * looksLikeJws('eyJhbGciOiJSUzI1NiJ9.e30.c2ln') // true
 * looksLikeJws('2YotnFZFEjr1zCsicMWpAA')          // false
 * ```
 */
export function looksLikeJws(token: string): boolean {
  if (!token.startsWith('eyJ')) return false
  const first = token.indexOf('.', 3)
  if (first === -1) return false
  const second = token.indexOf('.', first + 1)
  return second !== -1 && token.indexOf('.', second + 1) === -1
}
