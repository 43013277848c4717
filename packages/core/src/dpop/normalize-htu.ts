/**
 * The comparison form of a DPoP proof's `htu` and of the request URL (RFC 9449 §4.3: "the
 * HTTP target URI ... without query and fragment parts", compared after the syntax-based and
 * scheme-based normalisation of RFC 3986 §6.2.2–6.2.3).
 *
 * WHATWG URL parsing already lower-cases scheme and host, drops the scheme's default port,
 * resolves `.` and `..` segments and turns an empty path into `/`. What it leaves alone is
 * percent-encoding: here hex digits are upper-cased and octets of unreserved characters
 * (ALPHA / DIGIT / `-` / `.` / `_` / `~`) decoded, so `%7e`, `%7E` and `~` compare equal.
 */

const PERCENT = /%([0-9A-Fa-f]{2})/g
const UNRESERVED = /[A-Za-z0-9\-._~]/

/**
 * The normalised `scheme://authority/path` of an absolute http(s) URL, or undefined when `url`
 * is not one.
 *
 * @example
 * ```ts
 * normalizeHtu('HTTPS://API.example.com:443/a/./b/%7euser?x=1#f') // 'https://api.example.com/a/b/~user'
 * ```
 */
export function normalizeHtu(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  if (parsed.username !== '' || parsed.password !== '') return undefined
  const path = parsed.pathname.replace(PERCENT, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`
  })
  return `${parsed.protocol}//${parsed.host}${path}`
}
