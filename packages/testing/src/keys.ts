/**
 * Signing keys of a test issuer: generation, key ids (RFC 7638 thumbprints), the published
 * JWKS, rotation, and lazily created keys for algorithms that are not published.
 */
import { createHash, generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import { findAlgorithm, PUBLISHABLE_ALGORITHMS, type KeyFamily } from './algorithms.js'

/**
 * A public JWK as an issuer publishes it: always with `kid`, `alg` and `use: 'sig'`.
 *
 * @example
 * ```ts
 * const jwk: PublicJwk = issuer.publicJwk('ES256')
 * jwk.kty // 'EC'
 * jwk.use // 'sig'
 * ```
 */
export type PublicJwk = JWK & { kid: string; alg: string; use: 'sig' }

/**
 * A JWK Set document (RFC 7517 §5). Extra members are allowed so that odd documents can be served.
 *
 * @example
 * ```ts
 * const doc: JwksDocument = { keys: [{ ...issuer.publicJwk(), use: 'enc' }] }
 * issuer.setJwks(doc)
 * ```
 */
export interface JwksDocument {
  keys: Array<JWK & Record<string, unknown>>
  [member: string]: unknown
}

/**
 * One signing key pair of an issuer.
 *
 * @example
 * ```ts
 * const key = await generateIssuerKey('ES256')
 * key.publicJwk.kid === key.kid // true
 * ```
 */
export interface IssuerKey {
  /** The algorithm the key is published for (its JWK `alg`). */
  readonly alg: string
  /** RFC 7638 JWK thumbprint (SHA-256) of the public key. */
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** Frozen public JWK with `kid`, `alg` and `use: 'sig'`. */
  readonly publicJwk: Readonly<PublicJwk>
}

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject }

const CURVES = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const

function familyOf(alg: string): KeyFamily {
  const family = findAlgorithm(alg)?.family
  if (family === undefined) {
    throw new TypeError(
      `"${alg}" has no key pair (asymmetric algorithms: ${PUBLISHABLE_ALGORITHMS.join(', ')})`,
    )
  }
  return family
}

function generatePairAsync(family: KeyFamily): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      error ? reject(error) : resolve({ publicKey, privateKey })
    if (family === 'RSA') generateKeyPair('rsa', { modulusLength: 2048 }, done)
    else if (family === 'Ed25519') generateKeyPair('ed25519', {}, done)
    else generateKeyPair('ec', { namedCurve: CURVES[family] }, done)
  })
}

function generatePairSync(family: KeyFamily): KeyPair {
  if (family === 'RSA') return generateKeyPairSync('rsa', { modulusLength: 2048 })
  if (family === 'Ed25519') return generateKeyPairSync('ed25519')
  return generateKeyPairSync('ec', { namedCurve: CURVES[family] })
}

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK; used as the `kid`.
 *
 * @example
 * ```ts
 * jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })
 * // 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' (RFC 8037 §A.3)
 * ```
 */
export function jwkThumbprint(jwk: JWK): string {
  const members = jwk.kty === undefined ? undefined : THUMBPRINT_MEMBERS[jwk.kty]
  if (members === undefined) throw new TypeError(`Cannot thumbprint a JWK of kty "${jwk.kty}"`)
  const required: Record<string, unknown> = {}
  for (const member of members) required[member] = jwk[member as keyof JWK]
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url')
}

function toIssuerKey(alg: string, pair: KeyPair): IssuerKey {
  const exported = pair.publicKey.export({ format: 'jwk' }) as JWK
  const kid = jwkThumbprint(exported)
  const publicJwk: PublicJwk = { ...exported, kid, alg, use: 'sig' }
  return Object.freeze({ alg, kid, ...pair, publicJwk: Object.freeze(publicJwk) })
}

/**
 * Generates a fresh key pair for an asymmetric JWS algorithm (RSA keys are 2048-bit).
 *
 * @example
 * ```ts
 * const key = await generateIssuerKey('RS256')
 * key.publicJwk // { kty: 'RSA', n: '…', e: 'AQAB', kid: '…', alg: 'RS256', use: 'sig' }
 * ```
 */
export async function generateIssuerKey(alg: string): Promise<IssuerKey> {
  return toIssuerKey(alg, await generatePairAsync(familyOf(alg)))
}

/**
 * Synchronous {@link generateIssuerKey}, for keys created lazily from synchronous accessors.
 *
 * @example
 * ```ts
 * const key = generateIssuerKeySync('ES384')
 * key.publicJwk.crv // 'P-384'
 * ```
 */
export function generateIssuerKeySync(alg: string): IssuerKey {
  return toIssuerKey(alg, generatePairSync(familyOf(alg)))
}

/**
 * The keys of one issuer. One published key per algorithm in `algorithms`; other asymmetric
 * algorithms reuse a published key of the same family (the RS and PS algorithms share one RSA
 * key) or get a lazily generated key that is never published. "Unknown" keys are never published
 * either.
 *
 * @example
 * ```ts
 * const keys = await KeyStore.create(['RS256', 'ES256'])
 * keys.signingKey('PS256').kid === keys.signingKey('RS256').kid // true: same RSA key
 * keys.jwks().keys.length // 2
 * await keys.rotate({ keepPrevious: true })
 * keys.jwks().keys.length // 4
 * ```
 */
export class KeyStore {
  readonly algorithms: readonly string[]
  #published: IssuerKey[]
  #retained: Array<Readonly<PublicJwk>> = []
  #lazy = new Map<KeyFamily, IssuerKey>()
  #unknown = new Map<KeyFamily, IssuerKey>()

  private constructor(algorithms: readonly string[], published: IssuerKey[]) {
    this.algorithms = algorithms
    this.#published = published
  }

  /** Validates `algorithms` (asymmetric, de-duplicated, non-empty) and generates their keys. */
  static async create(algorithms: readonly string[]): Promise<KeyStore> {
    const unique = [...new Set(algorithms)]
    if (unique.length === 0) throw new TypeError('algorithms must name at least one algorithm')
    for (const alg of unique) familyOf(alg)
    return new KeyStore(Object.freeze(unique), await Promise.all(unique.map(generateIssuerKey)))
  }

  /** The current key that signs tokens for `alg` (asymmetric algorithms only). */
  signingKey(alg: string): IssuerKey {
    const exact = this.#published.find((key) => key.alg === alg)
    if (exact !== undefined) return exact
    const family = familyOf(alg)
    const sibling = this.#published.find((key) => findAlgorithm(key.alg)?.family === family)
    if (sibling !== undefined) return sibling
    let lazy = this.#lazy.get(family)
    if (lazy === undefined) {
      lazy = generateIssuerKeySync(alg)
      this.#lazy.set(family, lazy)
    }
    return lazy
  }

  /** A key of `alg`'s family that is never published (one per family, kept for the store's life). */
  unknownKey(alg: string): IssuerKey {
    const family = familyOf(alg)
    let key = this.#unknown.get(family)
    if (key === undefined) {
      key = generateIssuerKeySync(alg)
      this.#unknown.set(family, key)
    }
    return key
  }

  /** The published JWKS: current keys first, then keys kept by `rotate({ keepPrevious: true })`. */
  jwks(): { keys: PublicJwk[] } {
    const current = this.#published.map((key) => key.publicJwk)
    return { keys: [...current, ...this.#retained].map((jwk) => ({ ...jwk })) }
  }

  /**
   * Replaces every published key (and every lazily created unpublished one) with a new key.
   * With `keepPrevious`, the keys published until now stay in the JWKS after the new ones.
   */
  async rotate(options: { keepPrevious?: boolean } = {}): Promise<void> {
    const next = await Promise.all(this.algorithms.map(generateIssuerKey))
    this.#retained = options.keepPrevious
      ? [...this.#published.map((key) => key.publicJwk), ...this.#retained]
      : []
    this.#published = next
    this.#lazy.clear()
  }
}
