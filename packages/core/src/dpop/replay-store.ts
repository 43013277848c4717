/**
 * Where DPoP proofs already seen are remembered (RFC 9449 §11.1): a proof whose `jti` was
 * used before, within its acceptance window, is a replay. The default store is in-process; many
 * instances behind one load balancer need a shared one (`@bearerguard/redis`'s RedisReplayStore).
 */
import { LRUCache } from 'lru-cache'

/**
 * A set of seen proof identifiers whose members expire.
 *
 * @example
 * ```ts
 * const fresh = await store.claim('proof-key', 90_000) // true the first time, false after
 * ```
 */
export interface ReplayStore {
  /**
   * Records `key` for `ttlMs` milliseconds. True when it was not already recorded (the proof is
   * fresh), false when it was (a replay). Must be atomic across every instance sharing the store.
   * A store that cannot answer must throw (the request then gets a 503, never a pass).
   */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>
}

/**
 * The default: a bounded in-process LRU. When it is full, the oldest entries are pushed out, so
 * keep `max` above (requests per second × the proof window in seconds).
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, dpop: { mode: 'allowed', replayStore: new MemoryReplayStore({ max: 100_000 }) } })
 * ```
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen: LRUCache<string, true>

  constructor(options: { max?: number } = {}) {
    this.#seen = new LRUCache({ max: options.max ?? 100_000, ttlAutopurge: false })
  }

  claim(key: string, ttlMs: number): boolean {
    if (this.#seen.has(key)) return false
    this.#seen.set(key, true, { ttl: Math.max(1, Math.ceil(ttlMs)) })
    return true
  }

  /** Entries held (expired ones may linger until read or pushed out). */
  get size(): number {
    return this.#seen.size
  }
}
