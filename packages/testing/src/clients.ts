/**
 * The OAuth clients an issuer knows: who may call `/token`, `/introspect` and `/revoke`, with
 * which credentials, and which scopes each may be granted.
 */
import type { JWK } from 'jose'

/**
 * An OAuth client registered with a test issuer.
 *
 * @example
 * ```ts
 * const api: TestClient = { clientId: 'orders-api', clientSecret: 's3cret', scope: 'orders:read' }
 * const signer: TestClient = { clientId: 'gateway', jwks: { keys: [publicJwk] } }
 * ```
 */
export interface TestClient {
  clientId: string
  /** Secret for `client_secret_basic` and `client_secret_post`; without it, both fail. */
  clientSecret?: string
  /** Public keys that verify this client's `private_key_jwt` assertions (RFC 7523). */
  jwks?: { keys: JWK[] }
  /** Space-separated scopes the client may be granted; default: any scope. */
  scope?: string
}

/**
 * The clients of an issuer created without a `clients` option.
 *
 * @example
 * ```ts
 * DEFAULT_CLIENTS[0] // { clientId: 'test-client', clientSecret: 'test-secret' }
 * ```
 */
export const DEFAULT_CLIENTS: readonly TestClient[] = Object.freeze([
  Object.freeze({ clientId: 'test-client', clientSecret: 'test-secret' }),
])

function assertValidClient(client: TestClient): void {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError('A client must be an object')
  }
  const { clientId, clientSecret, jwks, scope } = client
  if (typeof clientId !== 'string' || clientId === '') {
    throw new TypeError('clientId must be a non-empty string')
  }
  if (clientSecret !== undefined && typeof clientSecret !== 'string') {
    throw new TypeError(`clientSecret of "${clientId}" must be a string`)
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw new TypeError(`scope of "${clientId}" must be a space-separated string`)
  }
  if (
    jwks !== undefined &&
    (typeof jwks !== 'object' ||
      jwks === null ||
      !Array.isArray(jwks.keys) ||
      !jwks.keys.every((key) => typeof key === 'object' && key !== null))
  ) {
    throw new TypeError(`jwks of "${clientId}" must be { keys: JWK[] }`)
  }
}

/**
 * Splits a space-separated scope string into its distinct scope tokens.
 *
 * @example
 * ```ts
 * scopeTokens(' a  b a ') // ['a', 'b']
 * ```
 */
export function scopeTokens(scope: string): string[] {
  return [...new Set(scope.split(/[ \t\r\n]+/).filter((token) => token !== ''))]
}

/**
 * The registered clients, by id. Registering an id again replaces that client.
 *
 * @example
 * ```ts
 * const clients = new ClientRegistry(DEFAULT_CLIENTS)
 * clients.add({ clientId: 'other', clientSecret: 'x' })
 * clients.get('other')?.clientSecret // 'x'
 * ```
 */
export class ClientRegistry {
  #clients = new Map<string, Readonly<TestClient>>()

  constructor(clients: readonly TestClient[] = DEFAULT_CLIENTS) {
    if (!Array.isArray(clients)) throw new TypeError('clients must be an array')
    for (const client of clients) this.add(client)
  }

  /** Validates and registers a copy of `client`. */
  add(client: TestClient): void {
    assertValidClient(client)
    this.#clients.set(client.clientId, Object.freeze(structuredClone(client)))
  }

  /** The client registered under `clientId`, if any. */
  get(clientId: string): Readonly<TestClient> | undefined {
    return this.#clients.get(clientId)
  }
}
