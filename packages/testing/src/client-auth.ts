/**
 * Client authentication at the token, introspection and revocation endpoints:
 * `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1), and `private_key_jwt`
 * (RFC 7523 §2.2, assertions verified with jose against the client's registered `jwks`).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { PUBLISHABLE_ALGORITHMS } from './algorithms.js'
import type { ClientRegistry, TestClient } from './clients.js'

/**
 * How a client authenticated.
 *
 * @example
 * ```ts
 * const method: ClientAuthMethod = 'private_key_jwt'
 * ```
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/**
 * The client authentication methods every OAuth endpoint of the issuer accepts.
 *
 * @example
 * ```ts
 * CLIENT_AUTH_METHODS.includes('private_key_jwt') // true
 * ```
 */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = Object.freeze([
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
])

/**
 * The `client_assertion_type` of RFC 7523 §2.2.
 *
 * @example
 * ```ts
 * form.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE)
 * ```
 */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/**
 * The outcome of {@link authenticateClient}: the client, or an OAuth error (401
 * `invalid_client` when authentication failed or is missing, 400 `invalid_request` when several
 * methods were used at once) with a description of what went wrong.
 *
 * @example
 * ```ts
 * const result: ClientAuthResult = { ok: true, client, method: 'client_secret_basic' }
 * ```
 */
export type ClientAuthResult =
  | { ok: true; client: Readonly<TestClient>; method: ClientAuthMethod }
  | { ok: false; status: 400 | 401; error: string; description: string }

/**
 * What an endpoint passes to {@link authenticateClient}.
 *
 * @example
 * ```ts
 * const input: ClientAuthInput = { headers: req.headers, form, clients, audiences: [endpointUrl, issuerUrl] }
 * ```
 */
export interface ClientAuthInput {
  readonly headers: IncomingHttpHeaders
  readonly form: URLSearchParams
  readonly clients: ClientRegistry
  /** Accepted `aud` values of a client assertion (any one of them must appear). */
  readonly audiences: readonly string[]
}

const BASIC = /^basic(?:\s+(.*))?$/is
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

const failed = (description: string): ClientAuthResult => ({
  ok: false,
  status: 401,
  error: 'invalid_client',
  description,
})

/** Form-urldecoding (`+` is a space); `undefined` for an invalid percent-encoding. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function checkSecret(
  clients: ClientRegistry,
  clientId: string,
  secret: string,
  method: ClientAuthMethod,
): ClientAuthResult {
  const client = clients.get(clientId)
  if (client === undefined) return failed(`Unknown client "${clientId}"`)
  if (client.clientSecret === undefined) return failed(`Client "${clientId}" has no secret`)
  if (!sameSecret(secret, client.clientSecret)) return failed('Wrong client secret')
  return { ok: true, client, method }
}

function basicAuth(clients: ClientRegistry, credentials: string): ClientAuthResult {
  const encoded = credentials.trim()
  if (!BASE64.test(encoded)) return failed('Malformed Basic credentials')
  let decoded: string
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'))
  } catch {
    return failed('Basic credentials are not UTF-8')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return failed('Basic credentials without a colon')
  const clientId = formDecode(decoded.slice(0, colon))
  const secret = formDecode(decoded.slice(colon + 1))
  if (clientId === undefined || secret === undefined) {
    return failed('Basic credentials are not form-urlencoded')
  }
  return checkSecret(clients, clientId, secret, 'client_secret_basic')
}

async function assertionAuth(
  clients: ClientRegistry,
  form: URLSearchParams,
  audiences: readonly string[],
): Promise<ClientAuthResult> {
  if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) {
    return failed(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`)
  }
  const assertion = form.get('client_assertion')
  if (assertion === null) return failed('Missing client_assertion')
  let clientId: unknown
  try {
    clientId = decodeJwt(assertion).iss
  } catch {
    return failed('client_assertion is not a JWT')
  }
  if (typeof clientId !== 'string') return failed('client_assertion has no "iss"')
  const client = clients.get(clientId)
  if (client === undefined) return failed(`Unknown client "${clientId}"`)
  if (client.jwks === undefined) return failed(`Client "${clientId}" has no jwks`)
  try {
    await jwtVerify(assertion, createLocalJWKSet(structuredClone(client.jwks)), {
      issuer: clientId,
      subject: clientId,
      audience: [...audiences],
      algorithms: [...PUBLISHABLE_ALGORITHMS],
      requiredClaims: ['exp'],
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return failed(`client_assertion rejected: ${reason}`)
  }
  return { ok: true, client, method: 'private_key_jwt' }
}

function authenticateWith(
  method: ClientAuthMethod | undefined,
  basicCredentials: string,
  { form, clients, audiences }: ClientAuthInput,
): ClientAuthResult | Promise<ClientAuthResult> {
  switch (method) {
    case undefined:
      return failed('Client authentication is required')
    case 'client_secret_basic':
      return basicAuth(clients, basicCredentials)
    case 'client_secret_post': {
      const clientId = form.get('client_id')
      if (clientId === null) return failed('client_secret without client_id')
      return checkSecret(clients, clientId, form.get('client_secret') ?? '', method)
    }
    case 'private_key_jwt':
      return assertionAuth(clients, form, audiences)
  }
}

/**
 * Authenticates the client of an OAuth endpoint request. A `client_id` form parameter, when
 * present, must name the authenticated client. Never rejects.
 *
 * @example
 * ```ts
 * const result = await authenticateClient({ headers: req.headers, form, clients, audiences })
 * if (!result.ok) sendOAuthError(res, result.status, result.error, result.description)
 * ```
 */
export async function authenticateClient(input: ClientAuthInput): Promise<ClientAuthResult> {
  const { form } = input
  const authorization = input.headers.authorization
  const basic = authorization === undefined ? null : BASIC.exec(authorization.trim())
  const used: ClientAuthMethod[] = []
  if (basic !== null) used.push('client_secret_basic')
  if (form.has('client_secret')) used.push('client_secret_post')
  if (form.has('client_assertion') || form.has('client_assertion_type')) {
    used.push('private_key_jwt')
  }
  if (used.length > 1) {
    return {
      ok: false,
      status: 400,
      error: 'invalid_request',
      description: `More than one client authentication method: ${used.join(', ')}`,
    }
  }

  const result = await authenticateWith(used[0], basic?.[1] ?? '', input)
  const claimedId = form.get('client_id')
  if (result.ok && claimedId !== null && claimedId !== result.client.clientId) {
    return failed('client_id does not match the authenticated client')
  }
  return result
}
