/**
 * Where fetched JWKS documents are kept beyond one process (`jwksStore`): on Cloudflare Workers
 * an isolate may be recreated often, and each new one would otherwise fetch every issuer's JWKS
 * (and discovery document) again before its first token. A store is asked before a key set
 * loads (its first use, a refresh after `jwksCacheMaxAge`), never instead of the refetch an
 * unknown `kid` triggers; every successful fetch is written to it. What it returns is checked
 * exactly as a fetched document is (it is never trusted blindly), and a store that fails or is
 * slow counts as a miss: it never fails a request, nor delays one by more than
 * {@link JWKS_STORE_TIMEOUT_MS} per call.
 */
import type { JSONWebKeySet } from 'jose'
import { sha256Base64url } from '../platform/sha256.js'
import { STORE_TIMEOUT_MS } from '../platform/within-store-timeout.js'

/**
 * One JWKS document as fetched, and when (ms since the epoch).
 *
 * @example
 * ```ts
 * const entry: JwksStoreEntry = { jwks: { keys: [publicJwk] }, fetchedAt: Date.now() }
 * ```
 */
export interface JwksStoreEntry {
  jwks: JSONWebKeySet
  fetchedAt: number
}

/**
 * A store of fetched JWKS documents shared by processes (Workers isolates, instances): Workers
 * KV, the Cache API, Redis. Entries are plain JSON. Whoever can write to the store can add keys
 * that tokens are then verified with, as whoever can answer for the JWKS endpoint can: give the
 * guard a store only your application writes.
 *
 * @example
 * ```ts
 * // Cloudflare Workers KV (entries expire on their own; KV's shortest expiry is 60 s)
 * const jwksStore: JwksStore = {
 *   get: (key) => env.JWKS.get<JwksStoreEntry>(key, 'json').then((entry) => entry ?? undefined),
 *   set: (key, entry, ttlMs) =>
 *     env.JWKS.put(key, JSON.stringify(entry), { expirationTtl: Math.max(60, Math.ceil(ttlMs / 1000)) }),
 * }
 * ```
 */
export interface JwksStore {
  /**
   * The entry under `key`, or undefined when there is none. Whatever it returns is checked as a
   * fetched JWKS is; a rejection, or no answer within 250 ms, is a miss.
   */
  get(key: string): Promise<JwksStoreEntry | undefined>
  /**
   * Stores `entry` under `key` for `ttlMs` milliseconds (always > 0): the longer of
   * `jwksCacheMaxAge` and `jwksStaleWindow`. Waited for at most 250 ms (so that a Worker does
   * not drop the write when its response is sent); a rejection is ignored.
   */
  set(key: string, entry: JwksStoreEntry, ttlMs: number): Promise<void>
}

/**
 * Ms a store call may take: the bound of every supplied store (see `platform/within-store-timeout.ts`).
 *
 * @example
 * ```ts
 * setTimeout(check, JWKS_STORE_TIMEOUT_MS + 50) // a hung store has counted as a miss by then
 * ```
 */
export const JWKS_STORE_TIMEOUT_MS = STORE_TIMEOUT_MS

/**
 * The key of a JWKS in the store: from its URI, or — for a key set found through discovery, so
 * that a new process need not fetch the discovery document first — from its issuer. Short
 * (`jwks:` and a SHA-256 in base64url) whatever the URL's length.
 *
 * @example
 * ```ts
 * jwksStoreKey({ jwksUri: 'https://as.example.com/jwks' }) // 'jwks:…' (48 characters)
 * jwksStoreKey({ issuer: 'https://as.example.com' })
 * ```
 */
export function jwksStoreKey(source: { jwksUri: string } | { issuer: string }): string {
  const named = 'jwksUri' in source ? source.jwksUri : `issuer\0${source.issuer}`
  return `jwks:${sha256Base64url(named)}`
}
