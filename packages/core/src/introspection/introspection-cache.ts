/**
 * The introspection cache: keys are SHA-256(issuer, token) so no token is ever stored; one
 * introspection in flight per key however many requests wait on it; active results live
 * `min(ttl, exp − now)`, inactive ones `negativeTtl`; failures are never cached. A store that
 * fails or is slow is treated as a miss, so a cache outage never fails a request.
 */
import { sha256Base64url } from '../platform/sha256.js'
import { withinStoreTimeout } from '../platform/within-store-timeout.js'
import type { CacheStore, IntrospectionCacheEntry } from './cache-store.js'

/** The cache key of `token` at `issuer`. */
export function introspectionCacheKey(issuer: string, token: string): string {
  return sha256Base64url(`${issuer}\0${token}`)
}

export interface IntrospectionCacheOptions {
  store: CacheStore
  ttlMs: number
  negativeTtlMs: number
  now?: () => number
}

interface Flight {
  promise: Promise<IntrospectionCacheEntry>
  /** Set by `evict()` while the flight is under way: its result must not be stored. */
  evicted: boolean
}

/**
 * @example
 * ```ts
 * const cache = new IntrospectionCache({ store, ttlMs: 60_000, negativeTtlMs: 5_000 })
 * const entry = await cache.get(key, () => introspectAndBuildEntry(token))
 * ```
 */
export class IntrospectionCache {
  readonly #options: IntrospectionCacheOptions
  readonly #flights = new Map<string, Flight>()
  readonly #now: () => number

  constructor(options: IntrospectionCacheOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** The cached entry for `key`, or the result of `load` (shared by concurrent callers). */
  async get(
    key: string,
    load: () => Promise<IntrospectionCacheEntry>,
  ): Promise<IntrospectionCacheEntry> {
    const flying = this.#flights.get(key)
    if (flying) return flying.promise
    if (this.#options.ttlMs > 0) {
      const cached = await this.#lookup(key)
      if (cached) return cached
      const late = this.#flights.get(key) // another caller started while we looked
      if (late) return late.promise
    }
    const flight: Flight = {
      evicted: false,
      promise: undefined as unknown as Promise<IntrospectionCacheEntry>,
    }
    flight.promise = load().then((entry) => {
      if (!flight.evicted) this.#store(key, entry)
      return entry
    })
    this.#flights.set(key, flight)
    const done = () => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key)
    }
    flight.promise.then(done, done)
    return flight.promise
  }

  /** The entry for `key` if the store has it at hand without waiting (see `CacheStore.peek`). */
  peek(key: string): IntrospectionCacheEntry | undefined {
    if (this.#options.ttlMs <= 0 || this.#flights.has(key)) return undefined
    try {
      return this.#options.store.peek?.(key)
    } catch {
      return undefined
    }
  }

  /** Forgets `key` here and in the store (everywhere, for a shared store). */
  async evict(key: string): Promise<void> {
    const flight = this.#flights.get(key)
    if (flight) {
      flight.evicted = true
      this.#flights.delete(key)
    }
    await this.#options.store.delete(key)
  }

  #lookup(key: string): Promise<IntrospectionCacheEntry | undefined> {
    return withinStoreTimeout(() => this.#options.store.get(key))
  }

  #store(key: string, entry: IntrospectionCacheEntry): void {
    const ttl = this.#ttlOf(entry)
    if (ttl <= 0) return
    this.#options.store.set(key, entry, ttl).catch(() => {
      // a cache that cannot store only costs a later introspection
    })
  }

  #ttlOf(entry: IntrospectionCacheEntry): number {
    const { ttlMs, negativeTtlMs } = this.#options
    if (ttlMs <= 0) return 0
    if (!entry.active) return negativeTtlMs
    const exp = entry.claims.exp
    if (typeof exp !== 'number') return ttlMs
    return Math.min(ttlMs, Math.floor(exp * 1000 - this.#now()))
  }
}
