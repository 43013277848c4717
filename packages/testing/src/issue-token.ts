/**
 * `issuer.token()`: applies the issuer's default header and claims, picks the signing key, and
 * hands the result to {@link mintToken}.
 */
import { randomBytes, randomUUID, KeyObject } from 'node:crypto'
import type { CryptoKey, JWK } from 'jose'
import { findAlgorithm, requireAlgorithm } from './algorithms.js'
import type { KeyStore } from './keys.js'
import { mergeRemovingUndefined } from './merge.js'
import { mintToken, type SigningKeyInput } from './mint-token.js'

/**
 * Options of `issuer.token(claims, options)`: how to sign, or how to forge.
 *
 * @example
 * ```ts
 * await issuer.token({ sub: 'alice' }, { alg: 'ES256' })
 * await issuer.token({ sub: 'alice' }, { key: 'unknown' }) // signed by a key nobody published
 * await issuer.token({ sub: 'alice' }, { secret: issuer.publicKeyPem() }) // HS256 key confusion
 * await issuer.token({}, { payload: '[1,2]' }) // a JSON array instead of a claims object
 * await issuer.token({ sub: 'root' }, { unsigned: true }) // alg "none"
 * await issuer.token({}, { header: { crit: ['exp'], exp: 1 } }) // unknown critical extension
 * ```
 */
export interface TokenOptions {
  /**
   * Algorithm to sign with (default: the issuer's first algorithm, `HS256` when `secret` is set,
   * or the algorithm of a given `key`). RS256…PS512 share the issuer's RSA key; other asymmetric
   * algorithms not in the issuer's `algorithms` get a lazily generated key that is not published.
   */
  alg?: string
  /** Merged over the default header `{ alg, typ: 'at+jwt', kid }`; `undefined` removes a field. */
  header?: Record<string, unknown>
  /**
   * `'unknown'`: a key of the same algorithm that is never published (the header keeps the
   * issuer's `kid`). A `CryptoKey`, `KeyObject` or private JWK signs as is.
   */
  key?: 'unknown' | CryptoKey | KeyObject | JWK
  /** Sign with HMAC using these bytes (a string is UTF-8 encoded); `alg` defaults to `HS256`. */
  secret?: string | Uint8Array
  /** Raw payload (text as UTF-8, or bytes) used instead of the JSON claims. */
  payload?: string | Uint8Array
  /** Empty signature part; the header `alg` is `'none'` unless `header.alg` says otherwise. */
  unsigned?: boolean
}

/**
 * What `issuer.token()` needs to know about its issuer.
 *
 * @example
 * ```ts
 * const context: TokenContext = { issuer: url, audience: undefined, tokenTtl: 300, keys }
 * ```
 */
export interface TokenContext {
  readonly issuer: string
  readonly audience: string | readonly string[] | undefined
  readonly tokenTtl: number
  readonly keys: KeyStore
}

const NODE_CURVE_ALGORITHMS: Readonly<Record<string, string>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
}

function hashBits(name: unknown): string {
  return typeof name === 'string' ? name.replace(/^SHA-/i, '') : '256'
}

/** Best-effort algorithm of a caller-supplied key, used when `options.alg` is not given. */
function inferAlgorithm(key: CryptoKey | KeyObject | JWK): string | undefined {
  if (key instanceof KeyObject) {
    if (key.type === 'secret') return 'HS256'
    switch (key.asymmetricKeyType) {
      case 'rsa':
        return 'RS256'
      case 'rsa-pss':
        return 'PS256'
      case 'ed25519':
        return 'EdDSA'
      case 'ec':
        return NODE_CURVE_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? '']
      default:
        return undefined
    }
  }
  if (Object.prototype.toString.call(key) === '[object CryptoKey]') {
    const algorithm = (key as CryptoKey).algorithm as {
      name: string
      hash?: { name?: string }
      namedCurve?: string
    }
    switch (algorithm.name) {
      case 'RSASSA-PKCS1-v1_5':
        return `RS${hashBits(algorithm.hash?.name)}`
      case 'RSA-PSS':
        return `PS${hashBits(algorithm.hash?.name)}`
      case 'HMAC':
        return `HS${hashBits(algorithm.hash?.name)}`
      case 'ECDSA':
        return NODE_CURVE_ALGORITHMS[algorithm.namedCurve ?? '']
      case 'Ed25519':
        return 'EdDSA'
      default:
        return undefined
    }
  }
  const jwk = key as JWK
  if (typeof jwk.alg === 'string') return jwk.alg
  if (jwk.kty === 'RSA') return 'RS256'
  if (jwk.kty === 'oct') return 'HS256'
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC') return NODE_CURVE_ALGORITHMS[jwk.crv ?? '']
  return undefined
}

function chooseAlgorithm(context: TokenContext, options: TokenOptions): string {
  if (options.alg !== undefined) return options.alg
  if (options.secret !== undefined) return 'HS256'
  if (options.key !== undefined && options.key !== 'unknown') {
    const inferred = inferAlgorithm(options.key)
    if (inferred !== undefined) return inferred
  }
  return context.keys.algorithms[0] as string
}

function chooseKey(context: TokenContext, alg: string, options: TokenOptions): SigningKeyInput {
  const info = requireAlgorithm(alg)
  if (options.secret !== undefined) {
    if (info.kind !== 'hmac') throw new TypeError(`secret cannot sign ${alg}; use an HS* alg`)
    return typeof options.secret === 'string'
      ? new TextEncoder().encode(options.secret)
      : options.secret
  }
  if (options.key === 'unknown') {
    return info.kind === 'hmac' ? randomBytes(32) : context.keys.unknownKey(alg).privateKey
  }
  if (options.key !== undefined) return options.key
  if (info.kind === 'hmac') {
    throw new TypeError(`${alg} tokens need a \`secret\` (or a \`key\`) in the token options`)
  }
  return context.keys.signingKey(alg).privateKey
}

/** The issuer key id a token's header names by default: that of the key for `alg`. */
function defaultKid(context: TokenContext, alg: string): string {
  const usesIssuerKey = findAlgorithm(alg)?.family !== undefined
  return context.keys.signingKey(usesIssuerKey ? alg : (context.keys.algorithms[0] as string)).kid
}

function defaultClaims(context: TokenContext): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return mergeRemovingUndefined(
    {
      iss: context.issuer,
      iat: now,
      exp: now + context.tokenTtl,
      jti: randomUUID(),
      aud: context.audience,
      client_id: 'test-client',
    },
    undefined,
  )
}

/**
 * Builds and signs (or forges) one token for an issuer; the implementation of `issuer.token()`.
 *
 * @example
 * ```ts
 * const jwt = await issueToken(context, { sub: 'alice' }, { alg: 'ES256' })
 * ```
 */
export async function issueToken(
  context: TokenContext,
  claims: Record<string, unknown> = {},
  options: TokenOptions = {},
): Promise<string> {
  if (options.secret !== undefined && options.key !== undefined) {
    throw new TypeError('Pass either `secret` or `key` in the token options, not both')
  }
  const payload = options.payload ?? mergeRemovingUndefined(defaultClaims(context), claims)
  const alg = chooseAlgorithm(context, options)
  if (options.unsigned || alg === 'none') {
    const kidAlg = alg === 'none' ? (context.keys.algorithms[0] as string) : alg
    const header = mergeRemovingUndefined(
      { alg: 'none', typ: 'at+jwt', kid: defaultKid(context, kidAlg) },
      options.header,
    )
    return mintToken({ header, payload, unsigned: true })
  }
  const key = chooseKey(context, alg, options)
  const header = mergeRemovingUndefined(
    { alg, typ: 'at+jwt', kid: defaultKid(context, alg) },
    options.header,
  )
  return mintToken({ header, payload, alg, key })
}
