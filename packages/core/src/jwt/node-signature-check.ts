/**
 * The signature check of a JWS with node:crypto instead of jose's WebCrypto call: the same
 * primitive (RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA in IEEE P1363 form, Ed25519) at a fraction of
 * the cost per token (measured: node:crypto RS256 verify ≈ 31 µs against ≈ 136 µs through jose),
 * and without waiting, so a token whose key is at hand is decided at once.
 *
 * Why this is safe: jose stays the authority for every JOSE rule. It has already selected the
 * key for this exact `alg` (kid, kty, crv, `use`, `key_ops`, the key's own `alg`) and imported
 * it as a public CryptoKey bound to that algorithm; the algorithm has passed our allow-list;
 * the three parts are canonical base64url. What is done here is only the final primitive: the
 * CryptoKey is converted to a KeyObject (the same key material) and asked whether the
 * signature over the ASCII signing input is valid, with parameters fixed per algorithm by
 * RFC 7518 §3.3–3.5 and RFC 8037 §3.1. Anything unusual — HMAC secrets, an algorithm or key
 * type not listed here, a key node:crypto cannot convert — is left to jose's `compactVerify`.
 * RSA keys under 2048 bits are refused as jose refuses them. The whole conformance suite runs
 * through this path.
 *
 * node:crypto is handed in, never imported (see `platform/node-builtins.ts`), and a runtime's
 * node:crypto is trusted with tokens only once it has proven itself on known signatures
 * (`signature-fast-path.ts`): on Workers with `nodejs_compat` it answers false for valid ones.
 */
import type { CryptoKey } from 'jose'
import type { KeyObject } from 'node:crypto'
import type { NodeBuiltins, NodeCrypto } from '../platform/node-builtins.js'
import { utf8Encode } from '../platform/utf8.js'
import type { PeekedJwt } from './peek-jwt.js'

interface Primitive {
  hash: string | null
  kty: 'rsa' | 'ec' | 'ed25519'
  pss?: { saltLength: number }
  curve?: string
}

const PRIMITIVES: Readonly<Record<string, Primitive>> = {
  RS256: { hash: 'sha256', kty: 'rsa' },
  RS384: { hash: 'sha384', kty: 'rsa' },
  RS512: { hash: 'sha512', kty: 'rsa' },
  PS256: { hash: 'sha256', kty: 'rsa', pss: { saltLength: 32 } },
  PS384: { hash: 'sha384', kty: 'rsa', pss: { saltLength: 48 } },
  PS512: { hash: 'sha512', kty: 'rsa', pss: { saltLength: 64 } },
  ES256: { hash: 'sha256', kty: 'ec', curve: 'prime256v1' },
  ES384: { hash: 'sha384', kty: 'ec', curve: 'secp384r1' },
  ES512: { hash: 'sha512', kty: 'ec', curve: 'secp521r1' },
  EdDSA: { hash: null, kty: 'ed25519' },
  Ed25519: { hash: null, kty: 'ed25519' },
}

/**
 * A signature check: true or false for a key and algorithm it knows, undefined when only jose
 * can tell (an algorithm it does not do, a key it cannot convert).
 *
 * @example
 * ```ts
 * const valid: boolean | undefined = check(peekJwt(token), 'RS256', key)
 * ```
 */
export type SignatureCheck = (
  jws: Pick<PeekedJwt, 'signingInput' | 'signature'>,
  alg: string,
  key: CryptoKey,
) => boolean | undefined

/**
 * The signature check through a runtime's node:crypto (and its `Buffer`, when it has one: the
 * fastest way to the signing input's bytes), not yet proven: see `signatureFastPath()`, which
 * alone hands it tokens.
 *
 * @example
 * ```ts
 * const check = nodeSignatureCheck({ crypto, Buffer })
 * check(peekJwt(token), 'ES256', key) // true, false, or undefined
 * ```
 */
export function nodeSignatureCheck({
  crypto,
  Buffer,
}: NodeBuiltins & { crypto: NodeCrypto }): SignatureCheck {
  const { KeyObject, verify, constants } = crypto
  // the signing input is ASCII (canonical base64url and a dot): latin1 is its bytes
  const bytesOf = Buffer ? (input: string) => Buffer.from(input, 'latin1') : utf8Encode
  const PSS = constants.RSA_PKCS1_PSS_PADDING
  const PKCS1 = constants.RSA_PKCS1_PADDING
  /** null: a key node:crypto could not convert. */
  const keyObjects = new WeakMap<CryptoKey, KeyObject | null>()

  const keyObjectOf = (key: CryptoKey): KeyObject | null => {
    let object = keyObjects.get(key)
    if (object === undefined) {
      try {
        object = KeyObject.from(key as unknown as Parameters<typeof KeyObject.from>[0])
      } catch {
        object = null
      }
      keyObjects.set(key, object)
    }
    return object
  }

  return (jws, alg, key) => {
    const primitive = PRIMITIVES[alg]
    if (!primitive) return undefined
    const object = keyObjectOf(key)
    if (!object) return undefined
    if (!fits(object, primitive)) return false
    try {
      return verify(
        primitive.hash,
        bytesOf(jws.signingInput),
        primitive.kty === 'ec'
          ? { key: object, dsaEncoding: 'ieee-p1363' }
          : primitive.kty === 'rsa'
            ? primitive.pss
              ? { key: object, padding: PSS, saltLength: primitive.pss.saltLength }
              : { key: object, padding: PKCS1 }
            : object,
        jws.signature,
      )
    } catch {
      return false
    }
  }
}

/** Whether `object` is a public key of the type (and size, and curve) `primitive` takes. */
function fits(object: KeyObject, primitive: Primitive): boolean {
  if (object.type !== 'public') return false
  const type = object.asymmetricKeyType
  const details = object.asymmetricKeyDetails
  if (primitive.kty === 'rsa') {
    return (type === 'rsa' || type === 'rsa-pss') && (details?.modulusLength ?? 0) >= 2048
  }
  if (primitive.kty === 'ec') return type === 'ec' && details?.namedCurve === primitive.curve
  return type === primitive.kty
}
