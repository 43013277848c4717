/**
 * Picks candidate keys from a JWK Set held in memory, through jose's `createLocalJWKSet`
 * (which honours `kid`, `alg`, `use`, `key_ops` and the key type of the algorithm).
 */
import {
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type CryptoKey,
} from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import { MAX_CANDIDATE_KEYS } from './key-source.js'

/**
 * Picks the keys of a JWKS that may have signed a token, as jose selects them (kid, kty and
 * crv for the algorithm, `use`, `key_ops`, the key's own `alg`). `select` imports them with
 * jose; `selectNow` answers at once for a (kid, alg) it has selected before — a set's keys are
 * few, so this memory is bounded by them (a kid the set lacks is never remembered).
 *
 * @example
 * ```ts
 * const keys = selector.selectNow(header) ?? (await selector.select(header))
 * ```
 */
export interface KeySelector {
  /** The candidate keys for `header`, or undefined when none matches. */
  select(header: JWSHeaderParameters): Promise<CryptoKey[] | undefined>
  /** The candidates selected before for this kid and alg, or undefined (ask `select`). */
  selectNow(header: JWSHeaderParameters): CryptoKey[] | undefined
}

/**
 * A {@link KeySelector} over a JSON Web Key Set, with jose's `createLocalJWKSet`.
 *
 * @example
 * ```ts
 * const selector = localKeySet({ keys: [publicJwk] })
 * const keys = await selector.select({ alg: 'RS256', kid: 'k1' })
 * ```
 */
export function localKeySet(jwks: JSONWebKeySet): KeySelector {
  const getKey = createLocalJWKSet(jwks)
  const selected = new Map<string, CryptoKey[]>()
  const memoKey = (header: JWSHeaderParameters) => `${header.alg}\0${header.kid ?? ''}`
  return {
    async select(header) {
      let keys: CryptoKey[]
      try {
        keys = [(await getKey(header)) as CryptoKey]
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) return undefined
        if (!(error instanceof errors.JWKSMultipleMatchingKeys)) {
          // An unusable key in the set (unsupported type, private, too short) cannot verify.
          throw new InvalidTokenError('No usable key for the token')
        }
        keys = []
        for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
          keys.push(key)
          if (keys.length === MAX_CANDIDATE_KEYS) break
        }
        if (keys.length === 0) throw new InvalidTokenError('No usable key for the token')
      }
      selected.set(memoKey(header), keys)
      return keys
    },
    selectNow(header) {
      return selected.get(memoKey(header))
    },
  }
}

/** Checks that `doc` has the shape of a JWK Set; the selector does the rest. */
export function isJwkSet(doc: unknown): doc is JSONWebKeySet {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    Array.isArray((doc as { keys?: unknown }).keys) &&
    (doc as { keys: unknown[] }).keys.every(
      (k) => typeof k === 'object' && k !== null && !Array.isArray(k),
    )
  )
}
