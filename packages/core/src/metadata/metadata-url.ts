/**
 * Where a protected resource's RFC 9728 metadata lives: the well-known URI inserted between
 * the resource identifier's host and its path (RFC 9728 §3.1), and the paths a server answers.
 */

/**
 * The RFC 9728 well-known URI suffix.
 *
 * @example
 * ```ts
 * fetch(`https://api.example.com${WELL_KNOWN_PATH}`) // the document of https://api.example.com
 * ```
 */
export const WELL_KNOWN_PATH = '/.well-known/oauth-protected-resource'

/**
 * The metadata URL RFC 9728 §3.1 derives from a resource identifier: its origin, then
 * `/.well-known/oauth-protected-resource`, then its path (a lone `/` dropped) and query.
 *
 * @example
 * ```ts
 * defaultMetadataUrl('https://api.example.com')      // 'https://api.example.com/.well-known/oauth-protected-resource'
 * defaultMetadataUrl('https://api.example.com/mcp')  // 'https://api.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function defaultMetadataUrl(resource: string): string {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname
  return `${url.origin}${WELL_KNOWN_PATH}${path}${url.search}`
}

/**
 * The request paths a metadata endpoint answers for a resource: the path of its metadata URL,
 * the RFC 9728 §3.1 path-suffixed well-known path, and the bare well-known path (which
 * clients that ignore the resource's path fetch).
 *
 * @example
 * ```ts
 * metadataPaths('https://api.example.com/mcp', 'https://api.example.com/.well-known/oauth-protected-resource/mcp')
 * // ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']
 * ```
 */
export function metadataPaths(resource: string, metadataUrl: string): string[] {
  const derived = new URL(defaultMetadataUrl(resource)).pathname
  return [...new Set([new URL(metadataUrl).pathname, derived, WELL_KNOWN_PATH])]
}
