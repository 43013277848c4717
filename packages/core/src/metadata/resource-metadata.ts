/** The RFC 9728 protected resource metadata document, and how a guard's settings fill it. */

/**
 * An RFC 9728 §2 protected resource metadata document, as served at
 * `/.well-known/oauth-protected-resource`. Only `resource` is required; other registered or
 * extension parameters may be present.
 *
 * @example
 * ```ts
 * const doc: ProtectedResourceMetadata = {
 *   resource: 'https://api.example.com',
 *   authorization_servers: ['https://as.example.com'],
 *   scopes_supported: ['orders:read', 'orders:write'],
 *   bearer_methods_supported: ['header'],
 * }
 * ```
 */
export interface ProtectedResourceMetadata {
  /** The protected resource's identifier: the URL clients use for it (RFC 9728 §3.3). */
  resource: string
  /** Issuer identifiers of the authorization servers whose tokens it accepts. */
  authorization_servers?: string[]
  /** The resource's own JWKS (for signed responses); not the authorization server's keys. */
  jwks_uri?: string
  /** Scopes used in authorization requests for this resource. */
  scopes_supported?: string[]
  /** How a token may be sent: `header`, `body`, `query` (RFC 6750 §2). */
  bearer_methods_supported?: string[]
  /** JWS algorithms the resource signs its responses with (never `none`). */
  resource_signing_alg_values_supported?: string[]
  /** A human-readable name of the resource. */
  resource_name?: string
  /** A page of developer documentation. */
  resource_documentation?: string
  /** A page on how data is used. */
  resource_policy_uri?: string
  /** A page of terms of service. */
  resource_tos_uri?: string
  /** RFC 9396 authorization details types supported. */
  authorization_details_types_supported?: string[]
  /** Whether every access token must be DPoP-bound (RFC 9449). */
  dpop_bound_access_tokens_required?: boolean
  /** The DPoP proof algorithms accepted (RFC 9449 §5.1); absent when DPoP is disabled. */
  dpop_signing_alg_values_supported?: string[]
  /** Whether certificate-bound tokens (RFC 8705) are supported: always, their binding is checked. */
  tls_client_certificate_bound_access_tokens?: boolean
  /** Any other registered or extension parameter. */
  [parameter: string]: unknown
}

/** A guard's metadata settings, resolved once at construction. */
export interface ResolvedResourceMetadata {
  /** The resource identifier (`resource`, default the first audience). */
  resource: string
  /** The document's URL, sent as `resource_metadata` in every challenge. */
  url: string
  authorizationServers: string[]
  /** Set when the `scopesSupported` option is given: then it is the list, exactly. */
  scopesSupported: string[] | undefined
  bearerMethods: string[]
  /** Everything else that goes into the document as it is (e.g. `resource_name`). */
  fields: Partial<ProtectedResourceMetadata>
  dpopRequired: boolean
  /** Proof algorithms accepted, or undefined when DPoP is disabled. */
  dpopAlgorithms: string[] | undefined
}

/**
 * Builds the document from resolved settings. `scopes` (e.g. the scopes controllers declare)
 * fill `scopes_supported` unless the `scopesSupported` option fixed it; no scopes at all leave
 * the (optional) parameter out.
 *
 * @example
 * ```ts
 * const doc = buildResourceMetadata(resolved, ['orders:read'])
 * ```
 */
export function buildResourceMetadata(
  settings: ResolvedResourceMetadata,
  scopes: readonly string[] = [],
): ProtectedResourceMetadata {
  const scopesSupported = settings.scopesSupported ?? [...new Set(scopes)].sort()
  const doc: ProtectedResourceMetadata = { resource: settings.resource }
  if (settings.authorizationServers.length > 0) {
    doc.authorization_servers = [...settings.authorizationServers]
  }
  if (scopesSupported.length > 0 || settings.scopesSupported) {
    doc.scopes_supported = [...scopesSupported]
  }
  doc.bearer_methods_supported = [...settings.bearerMethods]
  Object.assign(doc, structuredClone(settings.fields))
  doc.tls_client_certificate_bound_access_tokens = true
  if (settings.dpopAlgorithms) {
    doc.dpop_signing_alg_values_supported = [...settings.dpopAlgorithms]
  }
  doc.dpop_bound_access_tokens_required = settings.dpopRequired
  return doc
}
