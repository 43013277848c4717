/**
 * Signing and forging compact JWS tokens.
 *
 * Well-formed tokens are signed with jose's `CompactSign`. jose deliberately refuses to produce
 * many malformed or dangerous tokens (alg "none", `crit` naming unknown extensions, `b64: false`
 * in compact form, RSA keys under 2048 bits, empty HMAC secrets, a header `alg` that differs from
 * the algorithm actually used, no `alg` at all, ...). An attack corpus needs exactly those tokens,
 * so whenever jose refuses, the token is assembled here by hand:
 * base64url(JSON header) + '.' + base64url(payload bytes) + '.' + base64url(signature), the
 * signature computed with node:crypto over the ASCII signing input (ECDSA in IEEE P1363 form,
 * RSA-PSS with a salt as long as the digest), exactly as RFC 7515/7518 prescribe.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  KeyObject,
  sign,
  type JsonWebKey,
  type webcrypto,
} from 'node:crypto'
import { CompactSign, type CompactJWSHeaderParameters, type CryptoKey, type JWK } from 'jose'
import { requireAlgorithm } from './algorithms.js'
import { base64url } from './base64url.js'

/**
 * Anything that can sign: a private `KeyObject`, `CryptoKey` or JWK, a secret `KeyObject`, an
 * `oct` JWK, or raw HMAC secret bytes.
 *
 * @example
 * ```ts
 * const key: SigningKeyInput = new TextEncoder().encode('shared secret')
 * ```
 */
export type SigningKeyInput = KeyObject | CryptoKey | JWK | Uint8Array

/**
 * Input of {@link mintToken}.
 *
 * @example
 * ```ts
 * const input: MintTokenInput = {
 *   header: { alg: 'HS256', typ: 'JWT' },
 *   payload: { sub: 'alice' },
 *   key: new TextEncoder().encode('secret'),
 * }
 * ```
 */
export interface MintTokenInput {
  /** The exact protected header to serialize. */
  header: Record<string, unknown>
  /** Claims (serialized as JSON), or raw payload text (UTF-8) / bytes used as is. */
  payload: Record<string, unknown> | string | Uint8Array
  /** Algorithm used to compute the signature; defaults to `header.alg`. */
  alg?: string
  /** The signing key; required unless `unsigned`. */
  key?: SigningKeyInput
  /** Produce `header.payload.` with an empty signature. */
  unsigned?: boolean
}

const encoder = new TextEncoder()

function payloadBytes(payload: MintTokenInput['payload']): Uint8Array {
  if (payload instanceof Uint8Array) return payload
  if (typeof payload === 'string') return encoder.encode(payload)
  return encoder.encode(JSON.stringify(payload))
}

/**
 * Returns an unsigned compact JWS: `base64url(header).base64url(payload).` (empty signature).
 *
 * @example
 * ```ts
 * unsignedToken({ alg: 'none' }, { sub: 'mallory' }) // 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.'
 * ```
 */
export function unsignedToken(
  header: Record<string, unknown>,
  payload: MintTokenInput['payload'],
): string {
  return `${base64url(JSON.stringify(header))}.${base64url(payloadBytes(payload))}.`
}

const isCryptoKey = (key: unknown) => Object.prototype.toString.call(key) === '[object CryptoKey]'

/** jose freezes JWK objects it signs with, so it only ever gets a copy of the caller's JWK. */
function isPlainJwk(key: SigningKeyInput): key is JWK {
  return !(key instanceof KeyObject) && !(key instanceof Uint8Array) && !isCryptoKey(key)
}

function toKeyObject(key: SigningKeyInput): KeyObject | Uint8Array {
  if (key instanceof KeyObject || key instanceof Uint8Array) return key
  if (isCryptoKey(key)) {
    return KeyObject.from(key as webcrypto.CryptoKey)
  }
  const jwk = key as JWK
  if (jwk.kty === 'oct') return Buffer.from(jwk.k ?? '', 'base64url')
  return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' })
}

function computeSignature(alg: string, input: Buffer, key: KeyObject | Uint8Array): Buffer {
  const info = requireAlgorithm(alg)
  if (info.kind === 'hmac') {
    if (key instanceof KeyObject && key.type !== 'secret') {
      throw new TypeError(`${alg} needs a secret; pass the bytes (e.g. a PEM) as \`secret\``)
    }
    return createHmac(info.hash as string, key)
      .update(input)
      .digest()
  }
  if (key instanceof Uint8Array || key.type === 'secret') {
    throw new TypeError(`${alg} needs a private key, not a secret`)
  }
  switch (info.kind) {
    case 'rsa':
      return sign(info.hash, input, key)
    case 'rsa-pss':
      return sign(info.hash, input, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: info.hashBytes,
      })
    case 'ecdsa':
      return sign(info.hash, input, { key, dsaEncoding: 'ieee-p1363' })
    case 'eddsa':
      return sign(null, input, key)
  }
}

/**
 * Assembles a signed compact JWS without jose, for headers and keys jose refuses. The header is
 * serialized as given; the signature is computed for `alg` whatever `header.alg` says.
 *
 * @example
 * ```ts
 * // A token whose crit names an extension no verifier understands:
 * const jws = signTokenByHand({ alg: 'HS256', crit: ['exp'], exp: 1 }, { sub: 'a' }, 'HS256', secret)
 * ```
 */
export function signTokenByHand(
  header: Record<string, unknown>,
  payload: MintTokenInput['payload'],
  alg: string,
  key: SigningKeyInput,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(payloadBytes(payload))}`
  const signature = computeSignature(alg, Buffer.from(signingInput, 'ascii'), toKeyObject(key))
  return `${signingInput}.${signature.toString('base64url')}`
}

/**
 * Produces a compact JWS for any header, payload and key, well-formed or not: jose signs it when
 * it accepts the header, key and payload; otherwise it is assembled by hand (see
 * {@link signTokenByHand}). The header is never altered.
 *
 * @example
 * ```ts
 * import { mintToken } from '@bearerguard/testing'
 *
 * const secret = new TextEncoder().encode('a-test-secret-of-enough-length!!')
 * const token = await mintToken({ header: { alg: 'HS256' }, payload: { sub: 'alice' }, key: secret })
 * const forged = await mintToken({ header: { alg: 'none' }, payload: { sub: 'root' }, unsigned: true })
 * ```
 */
export async function mintToken(input: MintTokenInput): Promise<string> {
  const { header, payload } = input
  if (input.unsigned) return unsignedToken(header, payload)
  const alg = input.alg ?? header.alg
  if (typeof alg !== 'string') {
    throw new TypeError('mintToken needs `alg` when the header has no string "alg"')
  }
  if (input.key === undefined) throw new TypeError('mintToken needs a `key` unless `unsigned`')
  const bytes = payloadBytes(payload)
  if (header.alg === alg) {
    try {
      return await new CompactSign(bytes)
        .setProtectedHeader(header as CompactJWSHeaderParameters)
        .sign(isPlainJwk(input.key) ? structuredClone(input.key) : input.key)
    } catch {
      // jose refused this header, key or payload: forge it by hand below.
    }
  }
  return signTokenByHand(header, bytes, alg, input.key)
}
