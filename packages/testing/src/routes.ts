/**
 * The issuer's route table: which paths exist, which endpoint (for counters and faults) each
 * belongs to, and how each is answered.
 *
 * The `/token`, `/introspect` and `/revoke` endpoints are advertised in the metadata but not
 * served yet: adding one means adding its name to {@link EndpointName} and an entry to
 * {@link createRoutes} (faults and request counts then work for it automatically).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { IssuerUrls, DiscoveryMode } from './metadata.js'
import { sendJson, sendNotFound } from './responses.js'

/**
 * The endpoints the issuer serves (later: `'token' | 'introspect' | 'revoke'`).
 *
 * @example
 * ```ts
 * const endpoint: EndpointName = 'discovery' // both well-known metadata paths
 * ```
 */
export type EndpointName = 'discovery' | 'jwks'

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
  readonly methods: readonly string[]
  handle(request: RouteRequest): void | Promise<void>
}

/**
 * The issuer state route handlers read (live: overrides and rotations apply immediately).
 *
 * @example
 * ```ts
 * const state: RouteState = { urls, discovery: 'both', metadata: () => doc, jwks: () => keys.jwks() }
 * ```
 */
export interface RouteState {
  readonly urls: IssuerUrls
  readonly discovery: DiscoveryMode
  metadata(): Record<string, unknown>
  jwks(): unknown
}

const READ = ['GET', 'HEAD'] as const

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

  return [
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
    // Later: { endpoint: 'token', paths: [pathOf(state.urls.token)], methods: ['POST'], ... },
    // { endpoint: 'introspect', ... }, { endpoint: 'revoke', ... }.
  ]
}

/**
 * The route serving `pathname`, if any.
 *
 * @example
 * ```ts
 * findRoute(routes, '/nope') // undefined
 * ```
 */
export function findRoute(routes: readonly Route[], pathname: string): Route | undefined {
  return routes.find((route) => route.paths.includes(pathname))
}
