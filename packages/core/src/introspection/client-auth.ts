/**
 * Client authentication of the resource server at the introspection endpoint:
 * `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1), and `private_key_jwt`
 * (RFC 7523 §2.2) with the assertion signed by jose.
 */
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import type { KeyObject } from 'node:crypto'
import { base64Encode } from '../platform/base64.js'
import { randomUUID } from '../platform/random-uuid.js'
import { utf8Encode } from '../platform/utf8.js'
import type { ClientAuth } from './introspection-settings.js'

/** What client authentication adds to a request. */
export interface ClientCredentials {
  headers: Record<string, string>
  params: Record<string, string>
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/**
 * Produces credentials for one request; `audience` is the `aud` of a client assertion.
 *
 * @example
 * ```ts
 * const authenticate = clientAuthenticator({ method: 'client_secret_basic', clientId: 'api', clientSecret: 's' })
 * const { headers, params } = await authenticate('https://as.example.com')
 * ```
 */
export function clientAuthenticator(
  auth: ClientAuth,
): (audience: string) => Promise<ClientCredentials> {
  switch (auth.method) {
    case 'client_secret_basic': {
      const basic = base64Encode(
        utf8Encode(`${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`),
      )
      return async () => ({ headers: { authorization: `Basic ${basic}` }, params: {} })
    }
    case 'client_secret_post':
      return async () => ({
        headers: {},
        params: { client_id: auth.clientId, client_secret: auth.clientSecret },
      })
    case 'private_key_jwt': {
      let key: Promise<CryptoKey | KeyObject | Uint8Array> | undefined
      const signingKey = () =>
        (key ??= isJwk(auth.privateKey)
          ? importJWK(auth.privateKey, auth.alg)
          : Promise.resolve(auth.privateKey))
      return async (audience) => {
        const header = auth.kid
          ? { alg: auth.alg, kid: auth.kid, typ: 'JWT' }
          : { alg: auth.alg, typ: 'JWT' }
        const assertion = await new SignJWT({})
          .setProtectedHeader(header)
          .setIssuer(auth.clientId)
          .setSubject(auth.clientId)
          .setAudience(audience)
          .setJti(randomUUID())
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(await signingKey())
        return {
          headers: {},
          params: {
            client_id: auth.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
          },
        }
      }
    }
  }
}

function isJwk(key: unknown): key is JWK {
  return (
    typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string'
  )
}
