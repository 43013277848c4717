/**
 * The issuer's route table: which paths exist, which endpoint (for counters and faults) each
 * belongs to, and how each is answered.
 *
 * Adding an endpoint means adding its name to {@link EndpointName} and an entry to
 * {@link createRoutes}; faults and request counts then work for it automatically.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleIntrospectionRequest } from './introspection-endpoint.js'
import type { IssuerUrls, DiscoveryMode } from './metadata.js'
import type { OAuthContext } from './oauth-request.js'
import { sendJson, sendNotFound } from './responses.js'
import { handleRevocationRequest } from './revocation-endpoint.js'
import { isTenantDiscoveryPath, tenantOfDiscoveryPath } from './tenants.js'
import { handleTokenRequest } from './token-endpoint.js'

/**
 * The endpoints the issuer serves: `'discovery'` (both well-known metadata paths), `'jwks'`,
 * `'token'` (`/token`), `'introspection'` (`/introspect`), `'revocation'` (`/revoke`) and, with
 * `tenants: true`, `'tenantDiscovery'` (`/{tid}/v2.0/.well-known/openid-configuration`).
 *
 * @example
 * ```ts
 * const endpoint: EndpointName = 'introspection'
 * issuer.requestCount(endpoint)
 * ```
 */
export type EndpointName =
  'discovery' | 'jwks' | 'token' | 'introspection' | 'revocation' | 'tenantDiscovery'

/**
 * What a route handler gets.
 *
 * @example
 * ```ts
 * const handle = ({ res, url }: RouteRequest) => sendJson(res, 200, { path: url.pathname })
 * ```
 */
export interface RouteRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
}

/**
 * One row of the route table.
 *
 * @example
 * ```ts
 * const route: Route = { endpoint: 'jwks', paths: ['/jwks'], methods: ['GET'], handle: ({ res }) => sendJson(res, 200, { keys: [] }) }
 * ```
 */
export interface Route {
  readonly endpoint: EndpointName
  /** Exact paths (no query string) the route answers. */
  readonly paths: readonly string[]
  /** Also answers the paths this says yes to (exact paths of every route are tried first). */
  matches?(pathname: string): boolean
  readonly methods: readonly string[]
  handle(request: RouteRequest): void | Promise<void>
}

/**
 * The issuer state route handlers read (live: overrides and rotations apply immediately).
 *
 * @example
 * ```ts
 * const state: RouteState = { urls, discovery: 'both', metadata: () => doc, jwks: () => keys.jwks(), oauth }
 * ```
 */
export interface RouteState {
  readonly urls: IssuerUrls
  readonly discovery: DiscoveryMode
  metadata(): Record<string, unknown>
  jwks(): unknown
  /** What the token, introspection and revocation endpoints read and change. */
  readonly oauth: OAuthContext
  /** With `tenants: true`: the discovery document of one tenant; otherwise absent. */
  tenantMetadata?(tenantId: string): Record<string, unknown>
}

const READ = ['GET', 'HEAD'] as const
const POST = ['POST'] as const

function pathOf(url: string): string {
  return new URL(url).pathname
}

/**
 * Builds the route table of an issuer.
 *
 * @example
 * ```ts
 * const routes = createRoutes(state)
 * findRoute(routes, '/jwks')?.endpoint // 'jwks'
 * ```
 */
export function createRoutes(state: RouteState): Route[] {
  const oauthPath = pathOf(state.urls.oauthMetadata)
  const openidPath = pathOf(state.urls.openidMetadata)
  const serves = (form: 'oauth' | 'openid') =>
    state.discovery === 'both' || state.discovery === form

  const routes: Route[] = [
    {
      endpoint: 'discovery',
      paths: [oauthPath, openidPath],
      methods: READ,
      handle({ res, url }) {
        // Both paths count as the 'discovery' endpoint, even when their form is not served.
        if (!serves(url.pathname === oauthPath ? 'oauth' : 'openid')) {
          sendNotFound(res)
          return
        }
        sendJson(res, 200, state.metadata())
      },
    },
    {
      endpoint: 'jwks',
      paths: [pathOf(state.urls.jwks)],
      methods: READ,
      handle({ res }) {
        sendJson(res, 200, state.jwks())
      },
    },
    {
      endpoint: 'token',
      paths: [pathOf(state.urls.token)],
      methods: POST,
      handle: (request) => handleTokenRequest(request, state.oauth),
    },
    {
      endpoint: 'introspection',
      paths: [pathOf(state.urls.introspection)],
      methods: POST,
      handle: (request) => handleIntrospectionRequest(request, state.oauth),
    },
    {
      endpoint: 'revocation',
      paths: [pathOf(state.urls.revocation)],
      methods: POST,
      handle: (request) => handleRevocationRequest(request, state.oauth),
    },
  ]
  const { tenantMetadata } = state
  if (tenantMetadata !== undefined) {
    routes.push({
      endpoint: 'tenantDiscovery',
      paths: [],
      matches: isTenantDiscoveryPath,
      methods: READ,
      handle({ res, url }) {
        sendJson(res, 200, tenantMetadata(tenantOfDiscoveryPath(url.pathname) as string))
      },
    })
  }
  return routes
}

/**
 * The route serving `pathname`, if any: one listing it exactly, else one whose `matches` says yes.
 *
 * @example
 * ```ts
 * findRoute(routes, '/nope') // undefined
 * ```
 */
export function findRoute(routes: readonly Route[], pathname: string): Route | undefined {
  return (
    routes.find((route) => route.paths.includes(pathname)) ??
    routes.find((route) => route.matches?.(pathname) === true)
  )
}
