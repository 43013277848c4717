/**
 * Tenant issuers in the manner of Microsoft Entra ID: with `createTestIssuer({ tenants: true })`
 * every single path segment `{tid}` is an issuer of its own, `${origin}/{tid}/v2.0`, whose
 * OpenID discovery document is served at `/{tid}/v2.0/.well-known/openid-configuration` and
 * names the issuer's one JWKS (as Entra's tenants share their signing keys).
 */

/** A tenant discovery path; group 1 is the tenant segment, as it came in the URL. */
const TENANT_DISCOVERY_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/

// RFC 3986 pchar: a segment made of these stays as written when a URL is parsed
const PATH_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i

/**
 * The issuer identifier of tenant `tenantId`: `${origin}/${tenantId}/v2.0`. Throws a TypeError
 * for a tenant id that is not one path segment a URL keeps as written (empty, with `/`, `?`,
 * `#`, spaces or non-ASCII characters, `.` or `..`); percent-encode such characters yourself.
 *
 * @example
 * ```ts
 * tenantIssuerUrl('http://127.0.0.1:5000', '72f988bf-86f1-41af-91ab-2d7cd011db47')
 * // 'http://127.0.0.1:5000/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0'
 * ```
 */
export function tenantIssuerUrl(origin: string, tenantId: string): string {
  if (typeof tenantId !== 'string' || !PATH_SEGMENT.test(tenantId) || DOT_SEGMENT.test(tenantId)) {
    throw new TypeError(
      `tenantUrl() needs a tenant id that is one URL path segment (letters, digits, - . _ ~ and ` +
        `percent-escapes), got ${JSON.stringify(tenantId)}`,
    )
  }
  return `${origin}/${tenantId}/v2.0`
}

/**
 * The tenant segment of a tenant discovery path, or undefined for any other path.
 *
 * @example
 * ```ts
 * tenantOfDiscoveryPath('/common/v2.0/.well-known/openid-configuration') // 'common'
 * tenantOfDiscoveryPath('/a/b/v2.0/.well-known/openid-configuration')    // undefined
 * ```
 */
export function tenantOfDiscoveryPath(pathname: string): string | undefined {
  return TENANT_DISCOVERY_PATH.exec(pathname)?.[1]
}

/**
 * Whether `pathname` is a tenant discovery path.
 *
 * @example
 * ```ts
 * isTenantDiscoveryPath('/contoso/v2.0/.well-known/openid-configuration') // true
 * ```
 */
export function isTenantDiscoveryPath(pathname: string): boolean {
  return TENANT_DISCOVERY_PATH.test(pathname)
}

/**
 * The OpenID discovery document of one tenant: its own `issuer`, the issuer's JWKS.
 *
 * @example
 * ```ts
 * tenantMetadata('http://127.0.0.1:5000/contoso/v2.0', 'http://127.0.0.1:5000/jwks', ['RS256'])
 * // { issuer: 'http://127.0.0.1:5000/contoso/v2.0', jwks_uri: 'http://127.0.0.1:5000/jwks', … }
 * ```
 */
export function tenantMetadata(
  issuer: string,
  jwksUri: string,
  algorithms: readonly string[],
): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    response_types_supported: [],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: [...algorithms],
  }
}
