/**
 * Validates and resolves `resource` and `resourceMetadata` (RFC 9728). The zod schemas here
 * are part of the guard's option schema; the rules that need the other options are checked
 * after it.
 */
import { z } from 'zod'
import { isHttpUrl } from '../http/is-http-url.js'
import type { DpopSettings } from '../dpop/dpop-settings.js'
import { defaultMetadataUrl } from '../metadata/metadata-url.js'
import type {
  ProtectedResourceMetadata,
  ResolvedResourceMetadata,
} from '../metadata/resource-metadata.js'
import { SCOPE_TOKEN } from '../scopes/scope-requirement.js'
import type { GuardOptions } from './guard-options.js'
import { GuardOptionError } from './option-error.js'

const nonEmpty = z.string().min(1, 'must be a non-empty string')
const httpUrl = nonEmpty.refine(isHttpUrl, 'must be an absolute http(s) URL')
/** RFC 9728 §1.2: a resource identifier is a URL without a fragment. */
const identifierUrl = httpUrl.refine((v) => !v.includes('#'), 'must not have a fragment (#…)')
const names = z.array(nonEmpty)

/** The shape of the `resource` option. */
export const resourceSchema = identifierUrl

/** The shape of the `resourceMetadata` option. */
export const resourceMetadataSchema = z.union([
  z.literal(true),
  identifierUrl,
  z.strictObject({
    url: identifierUrl.optional(),
    authorizationServers: z.array(httpUrl).optional(),
    scopesSupported: z
      .array(nonEmpty.regex(SCOPE_TOKEN, 'must be a scope-token (RFC 6749 §3.3)'))
      .optional(),
    resourceName: nonEmpty.optional(),
    resourceDocumentation: httpUrl.optional(),
    resourcePolicyUri: httpUrl.optional(),
    resourceTosUri: httpUrl.optional(),
    jwksUri: httpUrl.optional(),
    resourceSigningAlgValuesSupported: names
      .min(1, 'must list at least one algorithm')
      .refine(
        (algs) => algs.every((alg) => alg.toLowerCase() !== 'none'),
        'may not include "none" (RFC 9728 §2)',
      )
      .optional(),
    authorizationDetailsTypesSupported: names.optional(),
  }),
])

/**
 * Options of RFC 9728 protected resource metadata, as users write them in
 * `resourceMetadata`. Every field is optional; the guard fills the rest from its own settings.
 *
 * @example
 * ```ts
 * createGuard({
 *   issuer: 'https://as.example.com',
 *   audience: 'https://api.example.com/mcp',
 *   resourceMetadata: { resourceName: 'Orders MCP server', scopesSupported: ['orders:read'] },
 * })
 * ```
 */
export interface ResourceMetadataOptions {
  /** The document's URL; default `<origin of resource>/.well-known/oauth-protected-resource<path of resource>`. */
  url?: string
  /** `authorization_servers`; default the configured issuers that are http(s) URLs. */
  authorizationServers?: string[]
  /** `scopes_supported`, exactly; default the scopes given to the metadata endpoint (e.g. by controllers). */
  scopesSupported?: string[]
  /** `resource_name`. */
  resourceName?: string
  /** `resource_documentation`. */
  resourceDocumentation?: string
  /** `resource_policy_uri`. */
  resourcePolicyUri?: string
  /** `resource_tos_uri`. */
  resourceTosUri?: string
  /** `jwks_uri`: the resource's own keys, for signed responses. */
  jwksUri?: string
  /** `resource_signing_alg_values_supported`; never `none`. */
  resourceSigningAlgValuesSupported?: string[]
  /** `authorization_details_types_supported` (RFC 9396). */
  authorizationDetailsTypesSupported?: string[]
}

/**
 * Resolves the resource identifier and, when `resourceMetadata` is set, its metadata settings.
 * Throws {@link GuardOptionError} when metadata is on but the identifier is not a URL.
 *
 * @example
 * ```ts
 * const { resource, resourceMetadata } = resolveResourceMetadata(options, ['https://as.example.com'], ['header'])
 * ```
 */
export function resolveResourceMetadata(
  o: GuardOptions,
  issuers: readonly string[],
  bearerMethods: readonly string[],
  dpop: Pick<DpopSettings, 'mode' | 'algorithms'>,
): { resourceMetadata: ResolvedResourceMetadata | undefined } {
  const resource = o.resource ?? (Array.isArray(o.audience) ? o.audience[0] : o.audience) ?? ''
  const option = o.resourceMetadata
  if (option === undefined) return { resourceMetadata: undefined }
  if (!isHttpUrl(resource) || resource.includes('#')) {
    throw new GuardOptionError(
      o.resource === undefined ? 'audience' : 'resource',
      `gives the resource identifier "${resource}", but RFC 9728 metadata needs an http(s) URL without a fragment: set "resource" to the URL clients use for this API`,
    )
  }
  const settings: ResourceMetadataOptions =
    option === true ? {} : typeof option === 'string' ? { url: option } : option
  const fields: Partial<ProtectedResourceMetadata> = {}
  const copy = (name: string, value: string | string[] | undefined) => {
    if (value !== undefined) fields[name] = Array.isArray(value) ? [...value] : value
  }
  copy('jwks_uri', settings.jwksUri)
  copy('resource_signing_alg_values_supported', settings.resourceSigningAlgValuesSupported)
  copy('resource_name', settings.resourceName)
  copy('resource_documentation', settings.resourceDocumentation)
  copy('resource_policy_uri', settings.resourcePolicyUri)
  copy('resource_tos_uri', settings.resourceTosUri)
  copy('authorization_details_types_supported', settings.authorizationDetailsTypesSupported)
  return {
    resourceMetadata: {
      resource,
      url: settings.url ?? defaultMetadataUrl(resource),
      authorizationServers: [...(settings.authorizationServers ?? issuers.filter(isHttpUrl))],
      scopesSupported: settings.scopesSupported && [...new Set(settings.scopesSupported)],
      bearerMethods: [...bearerMethods],
      fields,
      dpopRequired: dpop.mode === 'required',
      dpopAlgorithms: dpop.mode === 'disabled' ? undefined : [...dpop.algorithms],
    },
  }
}
