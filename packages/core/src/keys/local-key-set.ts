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

/** A key set's selector; `undefined` result means no key matches (the caller may refetch). */
export type KeySelector = (header: JWSHeaderParameters) => Promise<CryptoKey[] | undefined>

/**
 * Builds a selector over `jwks`. Throws jose's `JWKSInvalid` for a malformed set.
 *
 * @example
 * ```ts
 * const select = localKeySet({ keys: [publicJwk] })
 * const keys = await select({ alg: 'RS256', kid: publicJwk.kid })
 * ```
 */
export function localKeySet(jwks: JSONWebKeySet): KeySelector {
  const getKey = createLocalJWKSet(jwks)
  return async (header) => {
    try {
      return [(await getKey(header)) as CryptoKey]
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return undefined
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        const keys: CryptoKey[] = []
        for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
          keys.push(key)
          if (keys.length === MAX_CANDIDATE_KEYS) break
        }
        if (keys.length === 0) throw new InvalidTokenError('No usable key for the token')
        return keys
      }
      // An unusable key in the set (unsupported type, private, too short) cannot verify.
      throw new InvalidTokenError('No usable key for the token')
    }
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
