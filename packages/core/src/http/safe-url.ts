/**
 * An endpoint URL as it may be shown in telemetry and logs: without `user:password@`, query
 * or fragment (an endpoint configured with credentials or an API key in it).
 */

/**
 * `url` without userinfo, query and fragment; `[unparsable url]` when it is not a URL.
 *
 * @example
 * ```ts
 * safeUrl('https://u:p@as.example.com/jwks?key=s3cret') // 'https://as.example.com/jwks'
 * ```
 */
export function safeUrl(url: string): string {
  if (!url.includes('@') && !url.includes('?') && !url.includes('#')) return url
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    parsed.search = ''
    parsed.hash = ''
    return parsed.href
  } catch {
    return '[unparsable url]'
  }
}
