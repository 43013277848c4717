/**
 * Authorization server metadata discovery: RFC 8414 first
 * (`/.well-known/oauth-authorization-server` inserted before the issuer's path), then OpenID
 * Connect Discovery (`/.well-known/openid-configuration` appended). A document is used only
 * when its `issuer` equals the configured issuer exactly (RFC 8414 §3.3).
 */
import { isHttpUrl } from '../http/is-http-url.js'
import { fetchJson, observed, UpstreamError, type FetchJsonOptions } from '../http/fetch-json.js'

/** The metadata fields bearerguard reads (RFC 8414 §2). */
export interface AuthorizationServerMetadata {
  issuer: string
  jwks_uri?: string
  introspection_endpoint?: string
  [field: string]: unknown
}

/** Both well-known locations of an issuer's metadata, in the order they are tried. */
export function discoveryUrls(issuer: string): [oauth: string, openid: string] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/+$/, '')
  const origin = url.origin
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ]
}

/**
 * Fetches and checks the metadata of `issuer`. Throws {@link UpstreamError} when neither
 * location yields a usable document.
 *
 * @example
 * ```ts
 * const metadata = await discover('https://as.example.com', { fetch, timeout: 5000, maxBytes: 512 * 1024 })
 * metadata.jwks_uri
 * ```
 */
export async function discover(
  issuer: string,
  options: FetchJsonOptions,
): Promise<AuthorizationServerMetadata> {
  let lastError: UpstreamError | undefined
  for (const url of discoveryUrls(issuer)) {
    try {
      return await observed(options, 'discovery', url, 'GET', async () => {
        const { body } = await fetchJson(url, options)
        if (body.issuer !== issuer) throw new UpstreamError('invalid_document', url)
        if (body.jwks_uri !== undefined && !isHttpUrl(body.jwks_uri)) {
          throw new UpstreamError('invalid_document', url)
        }
        return body as AuthorizationServerMetadata
      })
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error
      lastError = error
      // A timeout or refused connection on the first location will not be better on the
      // second host path of the same server; only a 404-like answer is worth a second try.
      if (error.reason === 'timeout' || error.reason === 'network') throw error
    }
  }
  throw lastError ?? new UpstreamError('status', issuer)
}
