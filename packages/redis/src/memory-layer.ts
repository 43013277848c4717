/**
 * The in-process LRU in front of Redis. Entries live at most `ttl` ms (and never past their Redis
 * TTL), so an instance that missed a revocation broadcast serves a revoked entry for at most that
 * long. A counter of evictions lets a reader tell whether a revocation arrived while it was
 * reading Redis, so it does not put back what was just evicted.
 */
import type { IntrospectionCacheEntry } from '@bearerguard/core'
import { LRUCache } from 'lru-cache'

/**
 * A bounded, TTL-capped memory cache of introspection entries.
 *
 * @example
 * ```ts
 * const memory = new MemoryLayer({ max: 10_000, ttl: 5_000 })
 * memory.set(key, { active: false }, 60_000) // held for 5 s
 * ```
 */
export class MemoryLayer {
  readonly #lru: LRUCache<string, IntrospectionCacheEntry>
  readonly #ttlCap: number
  #evictions = 0

  constructor(options: { max: number; ttl: number }) {
    this.#lru = new LRUCache({ max: options.max, ttlAutopurge: false })
    this.#ttlCap = options.ttl
  }

  /** The entry under `key` while it is fresh. */
  get(key: string): IntrospectionCacheEntry | undefined {
    return this.#lru.get(key)
  }

  /** Holds `entry` for `ttlMs`, but no longer than the layer's TTL cap. */
  set(key: string, entry: IntrospectionCacheEntry, ttlMs: number): void {
    const ttl = Math.min(ttlMs, this.#ttlCap)
    if (ttl > 0) this.#lru.set(key, entry, { ttl })
  }

  /** Evicts `key`. */
  delete(key: string): void {
    this.#evictions++
    this.#lru.delete(key)
  }

  /** Evicts everything, e.g. after revocation broadcasts may have been missed. */
  clear(): void {
    this.#evictions++
    this.#lru.clear()
  }

  /** A mark to pass to {@link MemoryLayer.evictedSince}. */
  mark(): number {
    return this.#evictions
  }

  /** Whether anything was evicted since `mark()` returned `mark`. */
  evictedSince(mark: number): boolean {
    return this.#evictions !== mark
  }

  /** Entries held (expired ones may linger until read). */
  get size(): number {
    return this.#lru.size
  }
}
