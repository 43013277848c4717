/** The entry point: a Redis-backed `CacheStore` for `introspection.cache.store`. */
import type { RedisStoreOptions } from './options.js'
import { RedisCacheStore } from './redis-cache-store.js'

/**
 * A shared cache of validated introspection results in Redis, with a memory layer in front and
 * a revocation broadcast, so many instances of an API share one cache and one revocation list.
 * Validates `options` at once (throws `GuardOptionError` naming the option) and connects in the
 * background; while Redis is down every call fails fast and the guard introspects again.
 *
 * @example
 * ```ts
 * import { createGuard } from '@bearerguard/core'
 * import { createRedisStore } from '@bearerguard/redis'
 *
 * const guard = createGuard({
 *   issuer: 'https://as.example.com',
 *   audience: 'https://api.example.com',
 *   introspection: {
 *     clientId: 'orders-api',
 *     clientSecret: process.env.INTROSPECTION_SECRET,
 *     cache: { store: createRedisStore({ url: process.env.REDIS_URL }) },
 *   },
 * })
 * ```
 */
export function createRedisStore(options: RedisStoreOptions = {}): RedisCacheStore {
  return new RedisCacheStore(options)
}
