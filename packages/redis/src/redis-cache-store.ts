/**
 * The Redis-backed `CacheStore`: one cache and one revocation list shared by every instance of
 * an API, with a memory layer in front. Every call settles within `commandTimeout`: while Redis
 * is down, calls reject at once (the guard then introspects again) and the memory layer keeps
 * serving what it holds.
 */
import type { CacheStore, IntrospectionCacheEntry } from '@bearerguard/core'
import type { Redis } from 'ioredis'
import { connectFailFast, duplicateSubscriber, quitConnection } from './connection.js'
import { decodeEntry, encodeEntry } from './entry-codec.js'
import { RedisStoreError } from './errors.js'
import { MemoryLayer } from './memory-layer.js'
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js'
import { Reachability } from './reachability.js'
import { RevocationChannel } from './revocation-channel.js'
import { withDeadline } from './with-deadline.js'

/**
 * A shared introspection cache in Redis. Build it with {@link createRedisStore}.
 *
 * @example
 * ```ts
 * const store = new RedisCacheStore({ url: 'redis://cache.internal:6379' })
 * await store.ready() // optional: wait for Redis at start-up
 * ```
 */
export class RedisCacheStore implements CacheStore {
  readonly #client: Redis
  readonly #ownsClient: boolean
  readonly #keyPrefix: string
  readonly #channel: string
  readonly #timeout: number
  readonly #memory: MemoryLayer | undefined
  #revocations: RevocationChannel | undefined
  readonly #listeners = new Set<(key: string | undefined) => void>()
  readonly #reachability: Reachability
  #closing: Promise<void> | undefined

  /** Validates `options` (throws `GuardOptionError` naming the option) and connects. */
  constructor(options: RedisStoreOptions = {}) {
    const o = resolveRedisStoreOptions(options)
    this.#keyPrefix = o.keyPrefix
    this.#channel = o.channel
    this.#timeout = o.commandTimeout
    this.#ownsClient = o.client === undefined
    this.#client = o.client ?? connectFailFast(o.url, o.commandTimeout)
    this.#reachability = new Reachability(this.#client, o.logger)
    if (o.memory) {
      this.#memory = new MemoryLayer(o.memory)
      this.#subscribeRevocations()
    }
  }

  /** Subscribes to the revocation broadcast (once): the memory layer and the guards hear it. */
  #subscribeRevocations(): void {
    if (this.#revocations || this.#closing) return
    const subscriber = duplicateSubscriber(this.#client, this.#timeout)
    this.#revocations = new RevocationChannel(subscriber, this.#channel, {
      revoked: (key) => {
        this.#memory?.delete(key)
        for (const listener of this.#listeners) listener(key)
      },
      missed: () => {
        this.#memory?.clear()
        for (const listener of this.#listeners) listener(undefined)
      },
    })
  }

  /** The entry under `key`: from memory, else from Redis (then kept in memory). */
  async get(key: string): Promise<IntrospectionCacheEntry | undefined> {
    this.#checkOpen()
    checkKey(key)
    const held = this.#memory?.get(key)
    if (held) return held
    const mark = this.#memory?.mark()
    const redisKey = this.#redisKey(key)
    const [value, ttlMs] = await withDeadline(
      Promise.all([this.#client.get(redisKey), this.#client.pttl(redisKey)]),
      this.#timeout,
      'GET',
    )
    if (value === null) return undefined
    const entry = decodeEntry(value)
    // A revocation that arrived while Redis was read must not be undone by keeping the entry.
    if (entry && this.#memory && mark !== undefined && !this.#memory.evictedSince(mark)) {
      if (ttlMs > 0) this.#memory.set(key, entry, ttlMs)
    }
    return entry
  }

  /** The entry under `key` if the memory layer holds it (no Redis round trip), else undefined. */
  peek(key: string): IntrospectionCacheEntry | undefined {
    if (this.#closing || typeof key !== 'string') return undefined
    return this.#memory?.get(key)
  }

  /** Stores `entry` in memory and in Redis, where it expires after `ttlMs`. */
  async set(key: string, entry: IntrospectionCacheEntry, ttlMs: number): Promise<void> {
    this.#checkOpen()
    checkKey(key)
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError(`bearerguard/redis: ttlMs must be a positive number, got ${ttlMs}`)
    }
    const value = encodeEntry(entry)
    this.#memory?.set(key, entry, ttlMs)
    await withDeadline(
      this.#client.set(this.#redisKey(key), value, 'PX', Math.ceil(ttlMs)),
      this.#timeout,
      'SET',
    )
  }

  /**
   * Removes `key` from memory and Redis and broadcasts it, so every instance evicts it from its
   * memory layer. While Redis is down the local memory is still evicted, and the call rejects.
   */
  async delete(key: string): Promise<void> {
    this.#checkOpen()
    checkKey(key)
    this.#memory?.delete(key)
    const results = await withDeadline(
      this.#client.multi().del(this.#redisKey(key)).publish(this.#channel, key).exec(),
      this.#timeout,
      'DEL',
    )
    const failed = results?.find(([err]) => err)?.[0]
    if (failed) throw new RedisStoreError(`DEL failed: ${failed.message}`, { cause: failed })
  }

  /**
   * Stores a deny entry in memory and in Redis (expiring after `ttlMs`) and broadcasts its key,
   * so every instance's guards refuse the token at once (`MULTI` / `SET … PX` / `PUBLISH` /
   * `EXEC`). Rejects while Redis is down: the caller learns the token is not denied elsewhere.
   */
  async deny(key: string, entry: { active: false }, ttlMs: number): Promise<void> {
    this.#checkOpen()
    checkKey(key)
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError(`bearerguard/redis: ttlMs must be a positive number, got ${ttlMs}`)
    }
    this.#memory?.set(key, entry, ttlMs)
    const results = await withDeadline(
      this.#client
        .multi()
        .set(this.#redisKey(key), encodeEntry(entry), 'PX', Math.ceil(ttlMs))
        .publish(this.#channel, key)
        .exec(),
      this.#timeout,
      'SET',
    )
    const failed = results?.find(([err]) => err)?.[0]
    if (failed) throw new RedisStoreError(`SET failed: ${failed.message}`, { cause: failed })
  }

  /**
   * Calls `listener` with every key deleted or denied on any instance (this one included), and
   * with `undefined` when the broadcast was lost for a while (some may have been missed).
   * Subscribes to the broadcast if the store has no memory layer.
   */
  onRevoked(listener: (key: string | undefined) => void): void {
    this.#listeners.add(listener)
    this.#subscribeRevocations()
  }

  /**
   * Resolves once Redis answers and revocations are being received; rejects with a
   * `RedisStoreError` after `timeoutMs` (default 5000) otherwise.
   */
  async ready(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!this.reachable || (this.#revocations && !this.#revocations.subscribed)) {
      this.#checkOpen()
      if (Date.now() >= until) {
        throw new RedisStoreError(`Redis was not ready within ${timeoutMs} ms`)
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  /** Whether the command connection to Redis is up right now. */
  get reachable(): boolean {
    return this.#closing === undefined && this.#reachability.up
  }

  /**
   * Ends the connections the store opened (not a `client` it was given). Idempotent; later calls
   * reject with a `RedisStoreError`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#reachability.stop()
    this.#memory?.clear()
    await Promise.all([
      this.#revocations?.close(this.#timeout),
      this.#ownsClient ? quitConnection(this.#client, this.#timeout) : undefined,
    ])
  }

  #checkOpen(): void {
    if (this.#closing) throw new RedisStoreError('the store is closed')
  }

  #redisKey(key: string): string {
    return `${this.#keyPrefix}introspection:${key}`
  }
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('bearerguard/redis: the cache key must be a non-empty string')
  }
}
