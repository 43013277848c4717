/**
 * One RFC 7662 introspection call: POST `token` + `token_type_hint=access_token` with client
 * authentication, through the shared HTTP client (timeout, size cap, no redirects). Optionally
 * asks for a signed response (RFC 9701) and verifies it with the authorization server's keys.
 * Any failure, or an answer that is not a well-formed introspection response, is an
 * {@link UpstreamError} (a 503 for the caller), never a verdict on the token.
 */
import { compactVerify, type CryptoKey, type JWSHeaderParameters } from 'jose'
import {
  fetchText,
  observed,
  parseJsonObject,
  UpstreamError,
  type FetchJsonOptions,
} from '../http/fetch-json.js'
import { normalizeTyp } from '../jwt/check-header.js'
import { peekJwt } from '../jwt/peek-jwt.js'
import type { KeySource } from '../keys/key-source.js'
import type { ClientCredentials } from './client-auth.js'

const SIGNED_RESPONSE_TYPE = 'application/token-introspection+jwt'

export interface IntrospectRequest {
  endpoint: string
  http: FetchJsonOptions
  /** The client's credentials, or how to make them (then made inside the observed call). */
  credentials: ClientCredentials | (() => Promise<ClientCredentials>)
  /** For signed responses: the expected `iss` and `aud`, and where the keys come from. */
  signed?: { issuer: string; clientId: string; algorithms: ReadonlySet<string>; keys: KeySource }
}

/**
 * Introspects `token` and returns the response object, checked for shape (`active` a boolean,
 * time claims numbers, `aud` a string or strings, …).
 *
 * @example
 * ```ts
 * const response = await introspect(token, { endpoint, http, credentials })
 * if (response.active === true) …
 * ```
 */
export async function introspect(
  token: string,
  request: IntrospectRequest,
): Promise<Record<string, unknown>> {
  return observed(request.http, 'introspection', request.endpoint, 'POST', () =>
    introspectOnce(token, request),
  )
}

async function introspectOnce(
  token: string,
  request: IntrospectRequest,
): Promise<Record<string, unknown>> {
  const { endpoint, signed } = request
  const credentials =
    typeof request.credentials === 'function' ? await request.credentials() : request.credentials
  const body = new URLSearchParams({
    token,
    token_type_hint: 'access_token',
    ...credentials.params,
  })
  const { text } = await fetchText(endpoint, {
    ...request.http,
    method: 'POST',
    headers: {
      ...credentials.headers,
      'content-type': 'application/x-www-form-urlencoded',
      accept: signed ? SIGNED_RESPONSE_TYPE : 'application/json',
    },
    body: body.toString(),
  })
  const response = signed
    ? await verifySignedResponse(text, endpoint, signed)
    : parseJsonObject(text, endpoint)
  checkShape(response, endpoint)
  return response
}

async function verifySignedResponse(
  text: string,
  endpoint: string,
  signed: NonNullable<IntrospectRequest['signed']>,
): Promise<Record<string, unknown>> {
  const garbage = () => new UpstreamError('invalid_document', endpoint)
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    ;({ header, claims } = peekJwt(text.trim()))
  } catch {
    throw garbage()
  }
  const alg = header.alg
  if (typeof alg !== 'string' || !signed.algorithms.has(alg)) throw garbage()
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== 'token-introspection+jwt')
    throw garbage()
  if (claims.iss !== signed.issuer) throw garbage()
  const aud = claims.aud
  if (!(aud === signed.clientId || (Array.isArray(aud) && aud.includes(signed.clientId))))
    throw garbage()
  const inner = claims.token_introspection
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw garbage()
  let keys: Array<CryptoKey | Uint8Array>
  try {
    keys = await signed.keys.keysFor(header as JWSHeaderParameters)
  } catch {
    throw garbage()
  }
  for (const key of keys) {
    try {
      await compactVerify(text.trim(), key, { algorithms: [alg] })
      return inner as Record<string, unknown>
    } catch {
      // try the next candidate key
    }
  }
  throw garbage()
}

function checkShape(response: Record<string, unknown>, endpoint: string): void {
  const bad = () => new UpstreamError('invalid_document', endpoint)
  if (typeof response.active !== 'boolean') throw bad()
  if (!response.active) return
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = response[name]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw bad()
  }
  for (const name of ['iss', 'sub', 'client_id', 'token_type', 'username']) {
    if (response[name] !== undefined && typeof response[name] !== 'string') throw bad()
  }
  const aud = response.aud
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    throw bad()
  }
  const scope = response.scope
  if (
    scope !== undefined &&
    typeof scope !== 'string' &&
    !(Array.isArray(scope) && scope.every((s) => typeof s === 'string'))
  ) {
    throw bad()
  }
}
