/**
 * Authorization server metadata (RFC 8414) and OpenID discovery documents, and where they live.
 */
import { PUBLISHABLE_ALGORITHMS } from './algorithms.js'
import { CLIENT_AUTH_METHODS } from './client-auth.js'

/**
 * Which metadata documents an issuer serves: RFC 8414 (`oauth`), OpenID Connect Discovery
 * (`openid`), both, or neither (`none`).
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ discovery: 'oauth' }) // openid-configuration is a 404
 * ```
 */
export type DiscoveryMode = 'oauth' | 'openid' | 'both' | 'none'

/**
 * The URLs of an issuer.
 *
 * @example
 * ```ts
 * const urls = issuerUrls('http://127.0.0.1:5000', '/tenant-a')
 * urls.oauthMetadata // 'http://127.0.0.1:5000/.well-known/oauth-authorization-server/tenant-a'
 * urls.openidMetadata // 'http://127.0.0.1:5000/tenant-a/.well-known/openid-configuration'
 * ```
 */
export interface IssuerUrls {
  readonly origin: string
  /** Normalized issuer path: `''` or `'/segment…'` without a trailing slash. */
  readonly path: string
  /** The issuer identifier: origin + path. */
  readonly issuer: string
  readonly jwks: string
  readonly token: string
  readonly introspection: string
  readonly revocation: string
  /** RFC 8414 §3.1: the well-known segment goes between the origin and the issuer path. */
  readonly oauthMetadata: string
  /** OpenID Connect Discovery 1.0 §4: the well-known segment is appended to the issuer. */
  readonly openidMetadata: string
}

/**
 * Normalizes an issuer path option: adds a leading slash, removes trailing slashes (`'/'` → `''`).
 *
 * @example
 * ```ts
 * normalizeIssuerPath('tenant-a/') // '/tenant-a'
 * ```
 */
export function normalizeIssuerPath(path: string | undefined): string {
  if (path === undefined) return ''
  if (/[?#\s]/.test(path)) throw new TypeError(`Invalid issuer path "${path}"`)
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '') return ''
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/**
 * Derives every URL of an issuer from its origin and normalized path.
 *
 * @example
 * ```ts
 * issuerUrls('http://127.0.0.1:5000', '').jwks // 'http://127.0.0.1:5000/jwks'
 * ```
 */
export function issuerUrls(origin: string, path: string): IssuerUrls {
  const issuer = `${origin}${path}`
  return Object.freeze({
    origin,
    path,
    issuer,
    jwks: `${issuer}/jwks`,
    token: `${issuer}/token`,
    introspection: `${issuer}/introspect`,
    revocation: `${issuer}/revoke`,
    oauthMetadata: `${origin}/.well-known/oauth-authorization-server${path}`,
    openidMetadata: `${issuer}/.well-known/openid-configuration`,
  })
}

/**
 * The metadata document an issuer serves before any `setMetadata()` override.
 *
 * @example
 * ```ts
 * defaultMetadata(issuer.urls, ['RS256']).jwks_uri // issuer.jwksUri
 * ```
 */
export function defaultMetadata(
  urls: IssuerUrls,
  algorithms: readonly string[],
): Record<string, unknown> {
  const clientAuth = () => [...CLIENT_AUTH_METHODS]
  const assertionAlgs = () => [...PUBLISHABLE_ALGORITHMS]
  return {
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    token_endpoint: urls.token,
    introspection_endpoint: urls.introspection,
    revocation_endpoint: urls.revocation,
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: clientAuth(),
    token_endpoint_auth_signing_alg_values_supported: assertionAlgs(),
    introspection_endpoint_auth_methods_supported: clientAuth(),
    introspection_endpoint_auth_signing_alg_values_supported: assertionAlgs(),
    revocation_endpoint_auth_methods_supported: clientAuth(),
    revocation_endpoint_auth_signing_alg_values_supported: assertionAlgs(),
    introspection_signing_alg_values_supported: [...algorithms],
    id_token_signing_alg_values_supported: [...algorithms],
  }
}
