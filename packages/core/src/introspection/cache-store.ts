/**
 * Where validated introspection results are cached: in memory by default, or in a shared
 * store (e.g. `@bearerguard/redis`) so many instances share one cache and one revocation list.
 * Entries hold the validated introspection response, never the raw token; keys are a SHA-256
 * of the issuer and the token.
 */
import { LRUCache } from 'lru-cache'

/**
 * One cached introspection outcome. `active: false` entries are the negative cache.
 *
 * @example
 * ```ts
 * const entry: IntrospectionCacheEntry = { active: true, issuer: 'https://as.example.com', claims: { sub: 'alice', scope: 'a b' } }
 * ```
 */
export type IntrospectionCacheEntry =
  { active: true; issuer: string; claims: Record<string, unknown> } | { active: false }

/**
 * A cache for introspection results. Implementations must be safe to call concurrently and
 * should fail fast (reject) rather than hang when their backend is down: the guard treats a
 * failed `get` as a miss and ignores a failed `set`, so requests fall back to introspection.
 *
 * @example
 * ```ts
 * const store: CacheStore = {
 *   async get(key) { return map.get(key) },
 *   async set(key, entry, ttlMs) { map.set(key, entry); setTimeout(() => map.delete(key), ttlMs).unref() },
 *   async delete(key) { map.delete(key) },
 * }
 * ```
 */
export interface CacheStore {
  /** The entry under `key`, or undefined when there is none (or it expired). */
  get(key: string): Promise<IntrospectionCacheEntry | undefined>
  /** Stores `entry` under `key` for `ttlMs` milliseconds (always > 0). */
  set(key: string, entry: IntrospectionCacheEntry, ttlMs: number): Promise<void>
  /**
   * Removes `key`. A shared store removes it for every instance (including their memory
   * layers), so `guard.revoke(token)` on one instance is seen by all.
   */
  delete(key: string): Promise<void>
  /** Releases connections; called by `guard.close()`. */
  close?(): Promise<void>
  /**
   * Optional, for shared stores: stores a deny entry (`{ active: false }`) under `key` for
   * `ttlMs` and tells every instance sharing the store (their {@link CacheStore.onRevoked}
   * listeners). `guard.revoke(jwt)` records a revoked JWT with it; a store without it gets a
   * plain `set`, and other instances learn of the revocation the next time they look the token
   * up in the store (a token they hold verified in memory: after `jwtCache.ttl` at most).
   */
  deny?(key: string, entry: { active: false }, ttlMs: number): Promise<void>
  /**
   * Optional: calls `listener` with every key denied or deleted by any instance sharing the
   * store, and with `undefined` when some may have been missed (a lost connection), so the
   * guard drops what it holds verified in memory.
   */
  onRevoked?(listener: (key: string | undefined) => void): void
  /**
   * Optional: the entry under `key` if it is at hand without waiting (an in-memory layer),
   * else undefined. Lets adapters answer cached opaque tokens synchronously.
   */
  peek?(key: string): IntrospectionCacheEntry | undefined
}

/**
 * The default store: a bounded in-process LRU whose entries expire after their TTL.
 *
 * @example
 * ```ts
 * const store = new MemoryCacheStore({ max: 10_000 })
 * ```
 */
export class MemoryCacheStore implements CacheStore {
  readonly #lru: LRUCache<string, IntrospectionCacheEntry>
  readonly #listeners = new Set<(key: string | undefined) => void>()

  constructor(options: { max?: number } = {}) {
    this.#lru = new LRUCache({ max: options.max ?? 10_000, ttlAutopurge: false })
  }

  async get(key: string): Promise<IntrospectionCacheEntry | undefined> {
    return this.#lru.get(key)
  }

  peek(key: string): IntrospectionCacheEntry | undefined {
    return this.#lru.get(key)
  }

  async set(key: string, entry: IntrospectionCacheEntry, ttlMs: number): Promise<void> {
    this.#lru.set(key, entry, { ttl: ttlMs })
  }

  async delete(key: string): Promise<void> {
    this.#lru.delete(key)
    this.#tell(key)
  }

  /** Stores the deny entry and tells the guards sharing this store (in this process). */
  async deny(key: string, entry: { active: false }, ttlMs: number): Promise<void> {
    this.#lru.set(key, entry, { ttl: ttlMs })
    this.#tell(key)
  }

  onRevoked(listener: (key: string | undefined) => void): void {
    this.#listeners.add(listener)
  }

  #tell(key: string): void {
    for (const listener of this.#listeners) listener(key)
  }

  /** Entries currently held (expired ones may linger until read). */
  get size(): number {
    return this.#lru.size
  }
}
