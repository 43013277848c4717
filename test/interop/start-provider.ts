/**
 * A real, certified OpenID provider (oidc-provider) in-process on 127.0.0.1, configured as an
 * authorization server for the bearerguard example API:
 *
 * - `api-client` (client_credentials, client_secret_basic) may ask for `orders:read orders:write
 *   admin`; `short-lived-client` is the same but its tokens live {@link SHORT_TTL} seconds;
 * - a `resource` of {@link RESOURCE} (or {@link OTHER_RESOURCE}) gives an RFC 9068 JWT access
 *   token (RS256, `typ: at+jwt`) with that audience; no `resource` gives an opaque token;
 * - introspection (RFC 7662), allowed for `resource-server`, and revocation (RFC 7009).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import type { Configuration, ResourceServerInfo } from 'oidc-provider'
import { AUDIENCE } from '../adapters/harness.js'

export interface ClientCredentials {
  id: string
  secret: string
}

/** The API the bearerguard apps protect. */
export const RESOURCE = AUDIENCE
/** Another API of the same provider: its tokens must not work at ours. */
export const OTHER_RESOURCE = 'https://billing.example.com'
export const SCOPES = ['orders:read', 'orders:write', 'admin']
/** Lifetime, in seconds, of every token issued to {@link SHORT_LIVED_CLIENT}. */
export const SHORT_TTL = 2

export const API_CLIENT: ClientCredentials = { id: 'api-client', secret: secret() }
export const SHORT_LIVED_CLIENT: ClientCredentials = { id: 'short-lived-client', secret: secret() }
/** The resource server's own client, used by the guard to introspect. */
export const RESOURCE_SERVER: ClientCredentials = { id: 'resource-server', secret: secret() }

export interface RunningProvider {
  /** `http://127.0.0.1:<port>`, exactly the `iss` of its tokens and its discovery documents. */
  readonly issuer: string
  /** The `kid` of the key it signs with now. */
  readonly kid: string
  /**
   * Stops the provider and starts a new one on the same port with a new signing key (and new
   * `kid`); the old key is no longer published. Resolves with the new `kid`.
   */
  restartWithNewKey(): Promise<string>
  close(): Promise<void>
}

// Two warnings oidc-provider prints are expected here and dropped, every other one is kept: on
// import, when Node is older than 22 (the tests run it on Node 20 on purpose), and on start, for
// its development-only in-memory storage (what tests want: state dies with the process).
const EXPECTED_WARNINGS = ['Unsupported runtime', 'development-only in-memory adapter']
const { Provider, errors } = await quietly(() => import('oidc-provider'))
const newProvider = (issuer: string, key: JWK) =>
  quietly(() => new Provider(issuer, configuration(key)))

export async function startProvider(): Promise<RunningProvider> {
  let key = await signingKey()
  // The issuer must name the port, so the port is taken before the provider is built.
  let server = await listen(createServer(), 0)
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  server.on('request', (await newProvider(issuer, key)).callback())

  return {
    issuer,
    get kid() {
      return key.kid as string
    },
    async restartWithNewKey() {
      await close(server)
      key = await signingKey()
      server = await listen(createServer((await newProvider(issuer, key)).callback()), port)
      return key.kid as string
    },
    close: () => close(server),
  }
}

function configuration(key: JWK): Configuration {
  const client = ({ id, secret }: ClientCredentials, grantTypes: string[]) => ({
    client_id: id,
    client_secret: secret,
    grant_types: grantTypes,
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    ...(grantTypes.length ? { scope: SCOPES.join(' ') } : {}),
  })
  const resourceServers: Record<string, ResourceServerInfo> = Object.fromEntries(
    [RESOURCE, OTHER_RESOURCE].map((audience) => [
      audience,
      {
        audience,
        scope: SCOPES.join(' '),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      },
    ]),
  )

  return {
    clients: [
      client(API_CLIENT, ['client_credentials']),
      client(SHORT_LIVED_CLIENT, ['client_credentials']),
      client(RESOURCE_SERVER, []),
    ],
    jwks: { keys: [key] },
    // Opaque tokens (no resource) keep only the scopes listed here, so ours are added.
    scopes: ['openid', 'offline_access', ...SCOPES],
    cookies: { keys: [secret()] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 9449: a token request with a DPoP proof gets a token bound to its key
      dPoP: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) =>
          caller.clientId === RESOURCE_SERVER.id || caller.clientId === token.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) => caller.clientId === token.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // No resource in the request → no resource server → an opaque token.
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          const info = resourceServers[resourceIndicator]
          if (!info) throw new errors.InvalidTarget()
          return info
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx, _token, client) =>
        client.clientId === SHORT_LIVED_CLIENT.id ? SHORT_TTL : 600,
    },
  }
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = `rsa-${randomUUID()}`
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }
}

function secret(): string {
  return randomBytes(32).toString('base64url')
}

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    // Keep-alive connections (the guard's fetch pool) would hold the port open otherwise.
    server.closeAllConnections()
  })
}

async function quietly<T>(action: () => T | Promise<T>): Promise<T> {
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    const [message] = args
    if (typeof message === 'string' && EXPECTED_WARNINGS.some((w) => message.includes(w))) return
    warn(...args)
  }
  try {
    return await action()
  } finally {
    console.warn = warn
  }
}
