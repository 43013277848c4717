/**
 * What the introspection endpoint says about a token (RFC 7662 §2.2), and its signed form
 * (RFC 9701).
 */
import { CompactSign, createLocalJWKSet, jwtVerify } from 'jose'
import type { KeyStore } from './keys.js'
import type { TokenRegistry } from './token-registry.js'

/**
 * What introspection needs to know about its issuer.
 *
 * @example
 * ```ts
 * const context: IntrospectionContext = { issuer: issuer.url, keys, tokens }
 * ```
 */
export interface IntrospectionContext {
  readonly issuer: string
  readonly keys: KeyStore
  readonly tokens: TokenRegistry
}

/**
 * The media type of a signed introspection response (RFC 9701 §5).
 *
 * @example
 * ```ts
 * fetch(issuer.introspectionEndpoint, { headers: { accept: SIGNED_INTROSPECTION_TYPE }, … })
 * ```
 */
export const SIGNED_INTROSPECTION_TYPE = 'application/token-introspection+jwt'

const INACTIVE = Object.freeze({ active: false })

async function jwtAnswer(token: string, context: IntrospectionContext) {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(context.keys.jwks()), {
      issuer: context.issuer,
    })
    return { active: true, ...payload, token_type: 'Bearer' }
  } catch {
    return { ...INACTIVE }
  }
}

/**
 * The introspection answer for `token`: a raw answer as registered; the claims of a known,
 * unexpired, unrevoked opaque token; `{ active: true, ...payload, token_type: 'Bearer' }` for an
 * unrevoked JWT of this issuer that verifies with its published keys (expiry checked by jose);
 * `{ active: false }` otherwise.
 *
 * @example
 * ```ts
 * await introspectionAnswer(await issuer.opaqueToken({ sub: 'alice' }), context)
 * // { active: true, iss: …, client_id: 'test-client', sub: 'alice', token_type: 'Bearer', … }
 * ```
 */
export async function introspectionAnswer(
  token: string,
  context: IntrospectionContext,
): Promise<Record<string, unknown>> {
  const record = context.tokens.lookup(token)
  if (record?.kind === 'raw') return record.body
  if (context.tokens.isRevoked(token)) return { ...INACTIVE }
  if (record === undefined) return token.includes('.') ? jwtAnswer(token, context) : { ...INACTIVE }
  const { exp } = record.claims
  const now = Math.floor(Date.now() / 1000)
  if (typeof exp === 'number' && exp <= now) return { ...INACTIVE }
  return record.claims
}

/**
 * Whether an `Accept` header asks for a signed introspection response (RFC 9701 §4), i.e.
 * lists `application/token-introspection+jwt` with a non-zero quality.
 *
 * @example
 * ```ts
 * wantsSignedAnswer('application/token-introspection+jwt, application/json;q=0.5') // true
 * ```
 */
export function wantsSignedAnswer(accept: string | undefined): boolean {
  if (accept === undefined) return false
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase())
    if (type !== SIGNED_INTROSPECTION_TYPE) return false
    const quality = parameters.find((parameter) => /^q\s*=/.test(parameter))
    return quality === undefined || Number(quality.replace(/^q\s*=/, '')) > 0
  })
}

/**
 * Signs an introspection answer as an RFC 9701 JWT with the issuer's current key for its
 * default algorithm: header `{ alg, kid, typ: 'token-introspection+jwt' }`, claims
 * `{ iss, aud: clientId, iat, token_introspection: answer }`.
 *
 * @example
 * ```ts
 * const jwt = await signIntrospectionAnswer({ active: false }, 'test-client', context)
 * ```
 */
export async function signIntrospectionAnswer(
  answer: Record<string, unknown>,
  clientId: string,
  context: IntrospectionContext,
): Promise<string> {
  const alg = context.keys.algorithms[0] as string
  const key = context.keys.signingKey(alg)
  const claims = {
    iss: context.issuer,
    aud: clientId,
    iat: Math.floor(Date.now() / 1000),
    token_introspection: answer,
  }
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, kid: key.kid, typ: 'token-introspection+jwt' })
    .sign(key.privateKey)
}
