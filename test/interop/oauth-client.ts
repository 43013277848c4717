/** Just enough of an OAuth 2.0 client to get, and revoke, tokens over HTTP. */
import type { ClientCredentials } from './start-provider.js'

export interface ProviderMetadata {
  issuer: string
  token_endpoint: string
  introspection_endpoint: string
  revocation_endpoint: string
  jwks_uri: string
}

export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in: number
  scope?: string
}

/** OpenID Connect Discovery 1.0 §4. */
export async function discover(issuer: string): Promise<ProviderMetadata> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`)
  if (!res.ok) throw new Error(`discovery failed: ${res.status}`)
  return (await res.json()) as ProviderMetadata
}

/**
 * RFC 6749 §4.4 client credentials grant, with an RFC 8707 `resource` when given, and a DPoP
 * proof (RFC 9449 §5) made by `dpop` for the token endpoint when given.
 */
export async function requestToken(
  metadata: ProviderMetadata,
  client: ClientCredentials,
  params: { scope: string; resource?: string },
  dpop?: (url: string) => string,
): Promise<TokenResponse> {
  const res = await post(
    metadata.token_endpoint,
    client,
    { grant_type: 'client_credentials', ...params },
    dpop ? { dpop: dpop(metadata.token_endpoint) } : {},
  )
  const body = (await res.json()) as TokenResponse & { error?: string }
  if (!res.ok) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`)
  return body
}

/** RFC 7009 token revocation. */
export async function revokeToken(
  metadata: ProviderMetadata,
  client: ClientCredentials,
  token: string,
): Promise<void> {
  const res = await post(metadata.revocation_endpoint, client, {
    token,
    token_type_hint: 'access_token',
  })
  if (!res.ok) throw new Error(`revocation failed: ${res.status} ${await res.text()}`)
}

function post(
  url: string,
  { id, secret }: ClientCredentials,
  form: Record<string, string>,
  extraHeaders: Record<string, string> = {},
) {
  // RFC 6749 §2.3.1: the id and secret are form-encoded before they are base64-encoded
  const basic = Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...extraHeaders,
    },
    body: new URLSearchParams(form),
  })
}

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
