/**
 * The RFC 9728 metadata endpoint, framework-neutral: which paths it answers and what it
 * answers. Adapters only match the request to it and write the answer.
 */
import { declaredScopes } from '../decorators/get-requirements.js'
import type { AnyClass } from '../decorators/requirement-records.js'
import { isGuard, toGuard, type Guard } from '../guard/create-guard.js'
import type { GuardOptions } from '../options/guard-options.js'
import { checkScopeTokens } from '../scopes/scope-requirement.js'
import { metadataPaths } from '../metadata/metadata-url.js'
import { utf8Encode } from '../platform/utf8.js'
import type { ProtectedResourceMetadata } from '../metadata/resource-metadata.js'

/**
 * Options of the metadata endpoint (`protectedResourceMetadata(guard, options)`).
 *
 * @example
 * ```ts
 * app.use(protectedResourceMetadata(guard, { controllers: [OrdersController], scopes: ['profile'] }))
 * ```
 */
export interface MetadataEndpointOptions {
  /** Decorated controllers whose declared scopes fill `scopes_supported`. */
  controllers?: readonly AnyClass[]
  /** More scopes for `scopes_supported` (e.g. those of `requireScopes()` routes, or MCP tools). */
  scopes?: readonly string[]
  /** Seconds clients and caches may keep the document (`Cache-Control: public, max-age`). Default 3600. */
  maxAge?: number
}

/**
 * What the endpoint answers: status, headers, and the body (none for HEAD, OPTIONS, 405).
 *
 * @example
 * ```ts
 * const answer = endpoint.respond(req.method, path)
 * if (answer) res.writeHead(answer.status, answer.headers).end(answer.body)
 * ```
 */
export interface MetadataResponse {
  status: number
  headers: Record<string, string>
  body: string | undefined
}

/**
 * A configured metadata endpoint. See {@link createMetadataEndpoint}.
 *
 * @example
 * ```ts
 * const answer = endpoint.respond('GET', '/.well-known/oauth-protected-resource')
 * ```
 */
export interface MetadataEndpoint {
  /** The request paths it answers. */
  readonly paths: readonly string[]
  /** The document it serves. */
  readonly document: ProtectedResourceMetadata
  /** The answer to `method` on `path` (no query), or undefined when `path` is not its own. */
  respond(method: string, path: string): MetadataResponse | undefined
}

const ALLOW = 'GET, HEAD, OPTIONS'

/**
 * Builds the endpoint once, at start-up: the document is fixed from then on. It answers GET
 * and HEAD with the JSON document, OPTIONS with a CORS preflight answer, and any other method
 * with 405; every answer allows any origin, since browser-based clients (MCP inspectors)
 * fetch it. Given options instead of a guard, it creates one with `resourceMetadata: true`
 * unless they set it. Throws when the guard has no `resourceMetadata` or the options are
 * invalid.
 *
 * @example
 * ```ts
 * const endpoint = createMetadataEndpoint(guard, { controllers: [OrdersController] })
 * endpoint.paths // ['/.well-known/oauth-protected-resource']
 * ```
 */
export function createMetadataEndpoint(
  guardOrOptions: Guard | GuardOptions,
  options: MetadataEndpointOptions = {},
  name = 'protectedResourceMetadata',
): MetadataEndpoint {
  const guard = isGuard(guardOrOptions)
    ? guardOrOptions
    : toGuard({ ...guardOrOptions, resourceMetadata: guardOrOptions.resourceMetadata ?? true })
  const url = guard.resourceMetadataUrl
  if (url === undefined) {
    throw new Error(
      `bearerguard: ${name}() needs a guard created with the "resourceMetadata" option (e.g. resourceMetadata: true), so that its challenges point clients at the document`,
    )
  }
  const { controllers = [], scopes = [], maxAge = 3600 } = checkOptions(options, name)
  const document = guard.metadata({ scopes: [...scopes, ...declaredScopes(...controllers)] })
  const paths = metadataPaths(document.resource, url)
  const body = JSON.stringify(document)
  const cors = { 'access-control-allow-origin': '*' }
  const ok = {
    ...cors,
    'content-type': 'application/json',
    'content-length': String(utf8Encode(body).byteLength),
    'cache-control': `public, max-age=${maxAge}`,
  }
  const preflight = {
    ...cors,
    'access-control-allow-methods': ALLOW,
    'access-control-allow-headers': '*',
    'access-control-max-age': '86400',
  }
  return {
    paths,
    document,
    respond(method, path) {
      if (!paths.includes(path)) return undefined
      if (method === 'GET') return { status: 200, headers: { ...ok }, body }
      if (method === 'HEAD') return { status: 200, headers: { ...ok }, body: undefined }
      if (method === 'OPTIONS') return { status: 204, headers: { ...preflight }, body: undefined }
      return { status: 405, headers: { ...cors, allow: ALLOW }, body: undefined }
    },
  }
}

function checkOptions(options: MetadataEndpointOptions, name: string): MetadataEndpointOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`bearerguard: ${name}() options must be an object`)
  }
  const { controllers, scopes, maxAge } = options
  if (
    controllers !== undefined &&
    (!Array.isArray(controllers) || !controllers.every((c) => typeof c === 'function'))
  ) {
    throw new TypeError(`bearerguard: ${name}() controllers must be a list of classes`)
  }
  if (scopes !== undefined) {
    if (!Array.isArray(scopes)) throw new TypeError(`bearerguard: ${name}() scopes must be a list`)
    checkScopeTokens(scopes, name)
  }
  if (maxAge !== undefined && (!Number.isSafeInteger(maxAge) || maxAge < 0)) {
    throw new TypeError(`bearerguard: ${name}() maxAge must be a whole number of seconds ≥ 0`)
  }
  return options
}
