/** Where one trusted issuer's keys come from, as the options resolved it. */
import type { JSONWebKeySet } from 'jose'
import type { JwksStore } from './jwks-store.js'

/**
 * An issuer's key source: its discovery document's `jwks_uri`, a JWKS URL, static keys, or a
 * shared HMAC secret.
 *
 * @example
 * ```ts
 * const spec: KeySpec = { kind: 'jwks', uri: 'https://as.example.com/jwks' }
 * ```
 */
export type KeySpec =
  | { kind: 'discovery' }
  | { kind: 'jwks'; uri: string }
  | { kind: 'static'; jwks: JSONWebKeySet }
  | { kind: 'secret'; secret: Uint8Array }

/**
 * How a remote key set is kept: fetched again for an unknown `kid` at most once per
 * `cooldownMs`, refreshed in the background after `maxAgeMs`, used for `staleWindowMs` while its
 * endpoint cannot be reached; shared with other processes through `store`, when there is one.
 *
 * @example
 * ```ts
 * const keys: KeyCacheSettings = { cooldownMs: 3000, maxAgeMs: 600_000, staleWindowMs: 3_600_000 }
 * ```
 */
export interface KeyCacheSettings {
  cooldownMs: number
  maxAgeMs: number
  staleWindowMs: number
  /** Where fetched documents are kept for other processes (`jwksStore`); undefined: none. */
  store?: JwksStore
}
