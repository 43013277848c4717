/**
 * The verified-token cache: a client reusing its access token (the common case) is not made to
 * pay for a signature verification on every request. Bounded (entries and memory), keyed by
 * the exact token string; an entry never outlives the token's `exp`, its `maxTokenAge` or a
 * configured ceiling, and is only served while the issuer's key set is the one that verified
 * it. Only successes are stored. Time claims are checked again on every hit by the caller.
 *
 * Admission: a token is kept from its second verification on, not its first. A token used once
 * (a client minting one per call, a flood of distinct tokens) would only push out others and
 * leave the garbage collector an old-generation object to sweep per request; a client reusing
 * its token pays one more signature check, then hits. Which tokens were seen once is a bit per
 * hash of the token's last characters (its signature, random for real tokens) in a 32 KiB
 * table cleared after every 65,536 marks; a collision only admits a token one check early.
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
/** Words of the seen-once table: 8,192 × 32 bits. */
const SEEN_WORDS = 1 << 13
/** Marks after which the table is cleared, so it never fills up. */
const SEEN_RESET = 1 << 16

export class VerifiedTokenCache<V extends object> {
  readonly #lru: LRUCache<string, Held<V>>
  readonly #ttlMs: number
  readonly #seen = new Uint32Array(SEEN_WORDS)
  #marks = 0

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
    if (!(ttl >= 1) || !this.#admit(token)) return
    this.#lru.set(token, { entry, expiresAt: nowMs + ttl })
  }

  /** True the second time a token (by its hash) is offered since the last reset. */
  #admit(token: string): boolean {
    // FNV-1a over the last 32 characters: the signature's, random for a real token
    let hash = 0x811c9dc5
    for (let i = Math.max(0, token.length - 32); i < token.length; i++) {
      hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193)
    }
    const word = (hash >>> 5) & (SEEN_WORDS - 1)
    const bit = 1 << (hash & 31)
    if ((this.#seen[word] as number) & bit) return true
    this.#seen[word] = (this.#seen[word] as number) | bit
    if (++this.#marks >= SEEN_RESET) {
      this.#seen.fill(0)
      this.#marks = 0
    }
    return false
  }

  /** Drops every entry (revocations may have been missed: every token is verified again). */
  clear(): void {
    this.#lru.clear()
  }

  delete(token: string): void {
    this.#lru.delete(token)
  }

  /** Entries held (expired ones may linger until read or pushed out). */
  get size(): number {
    return this.#lru.size
  }
}
