/** The error every failed store call rejects with. */

/**
 * A store call that failed: Redis unreachable, too slow, or the store closed. The guard treats
 * a failed `get` as a cache miss and ignores a failed `set`; `cause` holds the client's error.
 *
 * @example
 * ```ts
 * try { await store.delete(key) }
 * catch (err) { if (err instanceof RedisStoreError) console.warn(err.message, err.cause) }
 * ```
 */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`bearerguard/redis: ${message}`, options)
    this.name = 'RedisStoreError'
  }
}
