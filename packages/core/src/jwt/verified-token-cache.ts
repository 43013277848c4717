/**
 * The verified-token cache: a client reusing its access token (the common case) is not made to
 * pay for a signature verification on every request. Bounded (entries and memory), keyed by
 * the exact token string; an entry never outlives the token's `exp`, its `maxTokenAge` or a
 * configured ceiling, and is only served while the issuer's key set is the one that verified
 * it. Only successes are stored. Time claims are checked again on every hit by the caller.
 */
import { LRUCache } from 'lru-cache'

/** One verified token: its issuer, what was built from it, and the key-set generation that verified it. */
export interface VerifiedEntry<V> {
  issuer: string
  value: V
  generation: number
}

/** What the LRU holds: the entry and the wall-clock time (ms) it must be gone by. */
interface Held<V> {
  entry: VerifiedEntry<V>
  expiresAt: number
}

export interface VerifiedTokenCacheOptions {
  /** Entries held at most. */
  max: number
  /** Seconds an entry may live at most. */
  ttl: number
  /** Rough bytes held at most (tokens and claims). */
  maxBytes?: number
}

/**
 * @example
 * ```ts
 * const cache = new VerifiedTokenCache({ max: 10_000, ttl: 300 })
 * cache.set(token, { issuer, value: auth, generation }, { exp: claims.exp, iat: claims.iat, maxTokenAge }, Date.now())
 * const hit = cache.get(token, Date.now())
 * ```
 */
export class VerifiedTokenCache<V extends object> {
  readonly #lru: LRUCache<string, Held<V>>
  readonly #ttlMs: number

  constructor(options: VerifiedTokenCacheOptions) {
    this.#ttlMs = options.ttl * 1000
    // Expiry is kept here rather than by lru-cache's TTL: a hit then costs one Map lookup and
    // one comparison with the time the caller already has (lru-cache's TTL reads its own clock).
    this.#lru = new LRUCache<string, Held<V>>({
      max: options.max,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      // tokens are ASCII; claims are a few hundred bytes once parsed
      sizeCalculation: (_held, token) => token.length * 2 + 1024,
    })
  }

  /** The entry for `token` if it is still within its lifetime at `nowMs` (an expired one is dropped). */
  get(token: string, nowMs: number): VerifiedEntry<V> | undefined {
    const held = this.#lru.get(token)
    if (!held) return undefined
    if (nowMs < held.expiresAt) return held.entry
    this.#lru.delete(token)
    return undefined
  }

  /**
   * Stores a verified token for min(ceiling, exp − now, iat + maxTokenAge − now); nothing when
   * that is not in the future.
   */
  set(
    token: string,
    entry: VerifiedEntry<V>,
    limits: { exp?: unknown; iat?: unknown; maxTokenAge?: number },
    nowMs: number,
  ): void {
    let ttl = this.#ttlMs
    if (typeof limits.exp === 'number') ttl = Math.min(ttl, limits.exp * 1000 - nowMs)
    if (limits.maxTokenAge !== undefined && typeof limits.iat === 'number') {
      ttl = Math.min(ttl, (limits.iat + limits.maxTokenAge) * 1000 - nowMs)
    }
    if (!(ttl >= 1)) return
    this.#lru.set(token, { entry, expiresAt: nowMs + ttl })
  }

  delete(token: string): void {
    this.#lru.delete(token)
  }

  /** Entries held (expired ones may linger until read or pushed out). */
  get size(): number {
    return this.#lru.size
  }
}
