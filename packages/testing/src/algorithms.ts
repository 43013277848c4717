/**
 * The JWS algorithms this package can sign with, and what each needs from node:crypto.
 */

/**
 * The kind of key pair an asymmetric algorithm signs with.
 *
 * @example
 * ```ts
 * findAlgorithm('PS256')?.family // 'RSA'
 * ```
 */
export type KeyFamily = 'RSA' | 'P-256' | 'P-384' | 'P-521' | 'Ed25519'

/**
 * What node:crypto needs to compute a signature for one JWS `alg`.
 *
 * @example
 * ```ts
 * const info: AlgorithmInfo = requireAlgorithm('ES384') // { kind: 'ecdsa', hash: 'sha384', … }
 * ```
 */
export interface AlgorithmInfo {
  readonly kind: 'hmac' | 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa'
  /** node:crypto digest name; `null` for EdDSA (the digest is part of the algorithm). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null
  /** Digest length in bytes; the RSA-PSS salt length (RFC 7518 §3.5). */
  readonly hashBytes: number
  /** Key family for asymmetric algorithms; `undefined` for HMAC. */
  readonly family: KeyFamily | undefined
}

const sha = (bits: 256 | 384 | 512) => ({ hash: `sha${bits}` as const, hashBytes: bits / 8 })

const TABLE: Readonly<Record<string, AlgorithmInfo>> = {
  HS256: { kind: 'hmac', ...sha(256), family: undefined },
  HS384: { kind: 'hmac', ...sha(384), family: undefined },
  HS512: { kind: 'hmac', ...sha(512), family: undefined },
  RS256: { kind: 'rsa', ...sha(256), family: 'RSA' },
  RS384: { kind: 'rsa', ...sha(384), family: 'RSA' },
  RS512: { kind: 'rsa', ...sha(512), family: 'RSA' },
  PS256: { kind: 'rsa-pss', ...sha(256), family: 'RSA' },
  PS384: { kind: 'rsa-pss', ...sha(384), family: 'RSA' },
  PS512: { kind: 'rsa-pss', ...sha(512), family: 'RSA' },
  ES256: { kind: 'ecdsa', ...sha(256), family: 'P-256' },
  ES384: { kind: 'ecdsa', ...sha(384), family: 'P-384' },
  ES512: { kind: 'ecdsa', ...sha(512), family: 'P-521' },
  EdDSA: { kind: 'eddsa', hash: null, hashBytes: 0, family: 'Ed25519' },
  Ed25519: { kind: 'eddsa', hash: null, hashBytes: 0, family: 'Ed25519' },
}

/**
 * Every algorithm a token can be signed with (`none` aside, which is `unsigned: true`).
 *
 * @example
 * ```ts
 * SIGNING_ALGORITHMS.includes('HS256') // true
 * ```
 */
export const SIGNING_ALGORITHMS: readonly string[] = Object.freeze(Object.keys(TABLE))

/**
 * The asymmetric algorithms an issuer can publish a key for.
 *
 * @example
 * ```ts
 * PUBLISHABLE_ALGORITHMS.includes('HS256') // false
 * ```
 */
export const PUBLISHABLE_ALGORITHMS: readonly string[] = Object.freeze(
  SIGNING_ALGORITHMS.filter((alg) => TABLE[alg]?.family !== undefined),
)

/**
 * Looks an algorithm up; `undefined` when this package cannot sign with it.
 *
 * @example
 * ```ts
 * findAlgorithm('toString') // undefined
 * ```
 */
export function findAlgorithm(alg: string): AlgorithmInfo | undefined {
  return Object.hasOwn(TABLE, alg) ? TABLE[alg] : undefined
}

/**
 * Looks an algorithm up, throwing a TypeError naming the supported ones when it is unknown.
 *
 * @example
 * ```ts
 * requireAlgorithm('RS256').hash // 'sha256'
 * ```
 */
export function requireAlgorithm(alg: string): AlgorithmInfo {
  const info = findAlgorithm(alg)
  if (info === undefined) {
    throw new TypeError(
      `Unsupported signing algorithm "${alg}" (supported: ${SIGNING_ALGORITHMS.join(', ')}; ` +
        `use { unsigned: true } for alg "none")`,
    )
  }
  return info
}
