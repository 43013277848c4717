/**
 * The Redis-backed DPoP `ReplayStore`: every instance of an API sees the proofs every other
 * one accepted, so a proof replayed against another instance is refused too (RFC 9449 §11.1).
 * One atomic `SET key 1 PX ttl NX` per proof. While Redis is down, `claim` rejects within
 * `commandTimeout`, and the guard answers 503: a replay check that cannot be made never passes.
 */
import type { ReplayStore } from '@bearerguard/core'
import type { Redis } from 'ioredis'
import { connectFailFast, quitConnection } from './connection.js'
import { RedisStoreError } from './errors.js'
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js'
import { Reachability } from './reachability.js'
import { withDeadline } from './with-deadline.js'

/**
 * What {@link RedisReplayStore} accepts: the connection options of the cache store.
 *
 * @example
 * ```ts
 * const options: RedisReplayStoreOptions = { url: process.env.REDIS_URL, commandTimeout: 200 }
 * ```
 */
export type RedisReplayStoreOptions = Pick<
  RedisStoreOptions,
  'url' | 'client' | 'keyPrefix' | 'commandTimeout' | 'logger'
>

/**
 * @example
 * ```ts
 * import { RedisReplayStore } from '@bearerguard/redis'
 * createGuard({ issuer, audience, dpop: { replayStore: new RedisReplayStore({ url: 'redis://cache:6379' }) } })
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: Redis
  readonly #ownsClient: boolean
  readonly #keyPrefix: string
  readonly #timeout: number
  readonly #reachability: Reachability
  #closing: Promise<void> | undefined

  /** Validates `options` (throws `GuardOptionError` naming the option) and connects. */
  constructor(options: RedisReplayStoreOptions = {}) {
    const o = resolveRedisStoreOptions({ ...options, memory: false })
    this.#keyPrefix = o.keyPrefix
    this.#timeout = o.commandTimeout
    this.#ownsClient = o.client === undefined
    this.#client = o.client ?? connectFailFast(o.url, o.commandTimeout)
    this.#reachability = new Reachability(this.#client, o.logger)
  }

  /** True when `key` was not recorded yet (it now is, for `ttlMs`); false for a replay. */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.#closing) throw new RedisStoreError('the store is closed')
    if (typeof key !== 'string' || key === '') {
      throw new TypeError('bearerguard/redis: the replay key must be a non-empty string')
    }
    const ttl = Math.max(1, Math.ceil(ttlMs))
    const reply = await withDeadline(
      this.#client.set(`${this.#keyPrefix}dpop-jti:${key}`, '1', 'PX', ttl, 'NX'),
      this.#timeout,
      'SET NX',
    )
    return reply === 'OK'
  }

  /** Whether the connection to Redis is up right now. */
  get reachable(): boolean {
    return this.#closing === undefined && this.#reachability.up
  }

  /** Ends the connection the store opened (not a `client` it was given). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#reachability.stop()
      if (this.#ownsClient) await quitConnection(this.#client, this.#timeout)
    })()
    return this.#closing
  }
}
