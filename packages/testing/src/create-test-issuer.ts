/**
 * `createTestIssuer()`: a real local OAuth 2.0 authorization server for tests and demos.
 */
import { ClientRegistry, DEFAULT_CLIENTS, type TestClient } from './clients.js'
import { FaultTable, type Fault, type FaultEndpoint, type FaultOptions } from './faults.js'
import { IntrospectionLog, type IntrospectionRequest } from './introspection-log.js'
import { issueToken, type TokenOptions } from './issue-token.js'
import { startIssuerServer } from './issuer-server.js'
import { KeyStore, type JwksDocument, type PublicJwk } from './keys.js'
import { mergeRemovingUndefined } from './merge.js'
import {
  defaultMetadata,
  issuerUrls,
  normalizeIssuerPath,
  type DiscoveryMode,
  type IssuerUrls,
} from './metadata.js'
import { RequestCounts, type CountedEndpoint } from './request-counts.js'
import { createRoutes, type Route } from './routes.js'
import { tenantIssuerUrl, tenantMetadata } from './tenants.js'
import { TokenRegistry, type OpaqueTokenOptions } from './token-registry.js'

/**
 * Options of {@link createTestIssuer}.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({
 *   path: '/tenant-a',
 *   algorithms: ['ES256'],
 *   audience: 'https://api.example.com',
 *   tokenTtl: 60,
 *   discovery: 'oauth',
 *   clients: [{ clientId: 'orders-api', clientSecret: 's3cret', scope: 'orders:read' }],
 * })
 * ```
 */
export interface CreateTestIssuerOptions {
  /** Port to listen on (on 127.0.0.1); default 0, a random free port. */
  port?: number
  /** Issuer path suffix, e.g. `'/tenant-a'`; default none. */
  path?: string
  /** Algorithms with a published key each; the first is the default. Default RS256, ES256, EdDSA. */
  algorithms?: string[]
  /** Default `aud` claim of `token()` and `opaqueToken()`; default none. */
  audience?: string | string[]
  /** Lifetime of issued tokens, in seconds (also `expires_in` of `/token`); default 300. */
  tokenTtl?: number
  /** Which metadata documents are served; default `'both'`. */
  discovery?: DiscoveryMode
  /**
   * Clients of `/token`, `/introspect` and `/revoke`; default
   * `[{ clientId: 'test-client', clientSecret: 'test-secret' }]`.
   */
  clients?: TestClient[]
  /**
   * Tenant issuers as Microsoft Entra ID has them; default false. When true, the server also
   * answers, for any single path segment `{tid}`, OpenID discovery at
   * `/{tid}/v2.0/.well-known/openid-configuration` with `issuer` = `${origin}/{tid}/v2.0`
   * (see `tenantUrl()`) and `jwks_uri` = the issuer's one JWKS, shared by every tenant.
   * Requests to it count as the `'tenantDiscovery'` endpoint, which faults can target too.
   *
   * @example
   * ```ts
   * const issuer = await createTestIssuer({ tenants: true })
   * const tenant = issuer.tenantUrl('72f988bf-86f1-41af-91ab-2d7cd011db47')
   * const jwt = await issuer.token({ iss: tenant, tid: '72f988bf-86f1-41af-91ab-2d7cd011db47' })
   * ```
   */
  tenants?: boolean
}

/**
 * Options of `issuer.rotateKeys()`.
 *
 * @example
 * ```ts
 * await issuer.rotateKeys({ keepPrevious: true }) // old tokens still verify
 * ```
 */
export interface RotateKeysOptions {
  /** Keep the keys published so far in the JWKS (after the new ones); default false. */
  keepPrevious?: boolean
}

/**
 * A running test issuer. See {@link createTestIssuer}.
 *
 * @example
 * ```ts
 * const issuer: TestIssuer = await createTestIssuer()
 * const jwt = await issuer.token({ sub: 'alice' })
 * await issuer.close()
 * ```
 */
export interface TestIssuer {
  /** Issuer identifier: `http://127.0.0.1:<port>` plus the path option, no trailing slash. */
  readonly url: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
  /** `${url}/jwks` */
  readonly jwksUri: string
  /** `${url}/token` */
  readonly tokenEndpoint: string
  /** `${url}/introspect` */
  readonly introspectionEndpoint: string
  /** `${url}/revoke` */
  readonly revocationEndpoint: string
  /** The RFC 8414 (`oauth`) and OpenID (`openid`) metadata URLs, served or not. */
  readonly discoveryUrls: { readonly oauth: string; readonly openid: string }
  /** The published algorithms; the first is the default of `token()`. */
  readonly algorithms: readonly string[]

  /**
   * With `tenants: true`, the issuer identifier of tenant `tenantId`: `${origin}/${tenantId}/v2.0`,
   * whose discovery document the server serves. Throws an Error without `tenants: true`, and a
   * TypeError for a tenant id that is not one URL path segment.
   */
  tenantUrl(tenantId: string): string

  /** Signs (or forges) an access token. Claims override the defaults; `undefined` removes one. */
  token(claims?: Record<string, unknown>, options?: TokenOptions): Promise<string>
  /**
   * Issues a random opaque token known to the introspection endpoint. Claims override the
   * introspection defaults; `undefined` removes one; `options.raw` sets the exact answer.
   */
  opaqueToken(claims?: Record<string, unknown>, options?: OpaqueTokenOptions): Promise<string>
  /** Revokes a token (opaque, or a JWT by its exact string): it then introspects inactive. */
  revoke(token: string): void
  /** Registers a client (replacing any client with the same id). */
  addClient(client: TestClient): void
  /** The introspection requests received so far, oldest first (copies). */
  introspectionRequests(): IntrospectionRequest[]
  /** Replaces the signing keys; with `keepPrevious` the old ones stay in the JWKS. */
  rotateKeys(options?: RotateKeysOptions): Promise<void>
  /** Injects a fault into an endpoint (or `'all'`); `fault` undefined clears it. */
  fault(endpoint: FaultEndpoint, fault: Fault | undefined, options?: FaultOptions): void
  /** Requests received by an endpoint so far, faulted ones included (`'all'`: every request). */
  requestCount(endpoint: CountedEndpoint): number
  /** Sets every request counter back to 0 and forgets the recorded introspection requests. */
  resetCounts(): void
  /** SPKI PEM of the current public key for `alg` (default: the first algorithm). */
  publicKeyPem(alg?: string): string
  /** The current public JWK for `alg` (default: the first algorithm), with kid, alg, use 'sig'. */
  publicJwk(alg?: string): PublicJwk
  /** The JWKS document currently served (the `setJwks()` override if set). */
  jwks(): JwksDocument
  /** Serves `doc` at the JWKS endpoint instead of the issuer's keys; `undefined` restores. */
  setJwks(doc: JwksDocument | undefined): void
  /** The metadata document currently served by the discovery endpoint. */
  metadata(): Record<string, unknown>
  /** Merges `partial` over the default metadata (`undefined` members are removed); `undefined` restores. */
  setMetadata(partial: Record<string, unknown> | undefined): void
  /** Closes the server and every open connection. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA']
const DISCOVERY_MODES: readonly DiscoveryMode[] = ['oauth', 'openid', 'both', 'none']

function validate(options: CreateTestIssuerOptions): void {
  const { port, tokenTtl, discovery, tenants } = options
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  }
  if (tokenTtl !== undefined && !Number.isFinite(tokenTtl)) {
    throw new RangeError(`tokenTtl must be a finite number of seconds, got ${tokenTtl}`)
  }
  if (discovery !== undefined && !DISCOVERY_MODES.includes(discovery)) {
    throw new TypeError(`discovery must be one of ${DISCOVERY_MODES.join(', ')}`)
  }
  if (tenants !== undefined && typeof tenants !== 'boolean') {
    throw new TypeError(`tenants must be true or false, got ${String(tenants)}`)
  }
}

function copyJson<T>(value: T): T {
  return structuredClone(value)
}

/**
 * Starts a real OAuth 2.0 authorization server on 127.0.0.1 (random port by default) that serves
 * metadata and a JWKS, mints access tokens, forges bad ones, and can simulate outages.
 *
 * @example
 * ```ts
 * import { createTestIssuer } from '@bearerguard/testing'
 * import { createRemoteJWKSet, jwtVerify } from 'jose'
 *
 * const issuer = await createTestIssuer({ audience: 'https://api.example.com' })
 * const jwt = await issuer.token({ sub: 'alice', scope: 'orders:read' })
 * const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(issuer.jwksUri)), {
 *   issuer: issuer.url,
 *   audience: 'https://api.example.com',
 * })
 * issuer.fault('jwks', { type: 'status', status: 503 }) // the JWKS endpoint is down
 *
 * // An opaque token, introspected at issuer.introspectionEndpoint by test-client:test-secret:
 * const opaque = await issuer.opaqueToken({ sub: 'alice', scope: 'orders:read' })
 * issuer.revoke(opaque) // from now on it introspects { active: false }
 * await issuer.close()
 *
 * // Entra-style tenants: discovery at /{tid}/v2.0/.well-known/openid-configuration
 * const entra = await createTestIssuer({ tenants: true })
 * entra.tenantUrl('contoso') // `${entra.origin}/contoso/v2.0`
 * await entra.close()
 * ```
 */
export async function createTestIssuer(options: CreateTestIssuerOptions = {}): Promise<TestIssuer> {
  validate(options)
  const path = normalizeIssuerPath(options.path)
  const discovery = options.discovery ?? 'both'
  const tokenTtl = options.tokenTtl ?? 300
  const audience = options.audience === undefined ? undefined : copyJson(options.audience)
  const keys = await KeyStore.create(options.algorithms ?? DEFAULT_ALGORITHMS)
  const faults = new FaultTable()
  const counts = new RequestCounts()
  const clients = new ClientRegistry(options.clients ?? DEFAULT_CLIENTS)
  const introspectionLog = new IntrospectionLog()

  let routes: readonly Route[] = []
  let jwksOverride: JwksDocument | undefined
  let metadataOverride: Record<string, unknown> | undefined

  const server = await startIssuerServer({
    port: options.port ?? 0,
    host: '127.0.0.1',
    routes: () => routes,
    faults,
    counts,
  })
  const urls: IssuerUrls = issuerUrls(`http://127.0.0.1:${server.port}`, path)

  const jwks = (): JwksDocument => copyJson(jwksOverride ?? keys.jwks())
  const metadata = () =>
    mergeRemovingUndefined(defaultMetadata(urls, keys.algorithms), metadataOverride)
  const tokenContext = { issuer: urls.issuer, audience, tokenTtl, keys }
  const tokens = new TokenRegistry(tokenContext)
  const oauth = { urls, clients, tokens, keys, issuer: urls.issuer, tokenContext, introspectionLog }
  const tenants = options.tenants ?? false
  const tenantUrl = (tenantId: string): string => {
    if (!tenants) throw new Error('tenantUrl() needs createTestIssuer({ tenants: true })')
    return tenantIssuerUrl(urls.origin, tenantId)
  }
  routes = createRoutes({
    urls,
    discovery,
    metadata,
    jwks,
    oauth,
    tenantMetadata: tenants
      ? (tenantId) => tenantMetadata(`${urls.origin}/${tenantId}/v2.0`, urls.jwks, keys.algorithms)
      : undefined,
  })

  const defaultAlg = (alg: string | undefined) => alg ?? (keys.algorithms[0] as string)

  return Object.freeze({
    url: urls.issuer,
    origin: urls.origin,
    port: server.port,
    jwksUri: urls.jwks,
    tokenEndpoint: urls.token,
    introspectionEndpoint: urls.introspection,
    revocationEndpoint: urls.revocation,
    discoveryUrls: Object.freeze({ oauth: urls.oauthMetadata, openid: urls.openidMetadata }),
    algorithms: keys.algorithms,
    tenantUrl,
    token: (claims?: Record<string, unknown>, tokenOptions?: TokenOptions) =>
      issueToken(tokenContext, claims, tokenOptions),
    opaqueToken: async (claims?: Record<string, unknown>, opaqueOptions?: OpaqueTokenOptions) =>
      tokens.issueOpaque(claims, opaqueOptions),
    revoke: (token: string) => {
      if (typeof token !== 'string') throw new TypeError('revoke() needs the token string')
      tokens.revoke(token)
    },
    addClient: (client: TestClient) => clients.add(client),
    introspectionRequests: () => introspectionLog.list(),
    rotateKeys: (rotateOptions?: RotateKeysOptions) => keys.rotate(rotateOptions),
    fault: (endpoint: FaultEndpoint, fault: Fault | undefined, faultOptions?: FaultOptions) =>
      faults.set(endpoint, fault, faultOptions),
    requestCount: (endpoint: CountedEndpoint) => counts.get(endpoint),
    resetCounts: () => {
      counts.reset()
      introspectionLog.clear()
    },
    publicKeyPem: (alg?: string) =>
      keys.signingKey(defaultAlg(alg)).publicKey.export({ type: 'spki', format: 'pem' }) as string,
    publicJwk: (alg?: string) => ({ ...keys.signingKey(defaultAlg(alg)).publicJwk }),
    jwks,
    setJwks: (doc: JwksDocument | undefined) => {
      jwksOverride = doc === undefined ? undefined : copyJson(doc)
    },
    metadata,
    setMetadata: (partial: Record<string, unknown> | undefined) => {
      metadataOverride = partial === undefined ? undefined : { ...partial }
    },
    close: () => server.close(),
  })
}
