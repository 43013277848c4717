/**
 * The guard of a configuration: `@bearerguard/core`'s createGuard with the config's `guard`
 * section, the Redis store when `introspection.cache.redis` is set, and a `fetch` that counts
 * failed calls to the authorization server.
 */
import { createGuard, type FetchLike, type Guard, type GuardOptions } from '@bearerguard/core'
import { createRedisStore, type RedisCacheStore } from '@bearerguard/redis'
import type { Logger } from 'pino'
import type { GatewayConfig } from './config/schema.js'
import type { GatewayMetrics } from './ops/metrics.js'

/**
 * A guard and, when configured, its Redis store (for readiness checks).
 *
 * @example
 * ```ts
 * const { guard, redis } = guardFromConfig(config, { metrics, logger })
 * ```
 */
export interface ConfiguredGuard {
  guard: Guard
  redis: RedisCacheStore | undefined
}

/**
 * The guard options of `config.guard`, without building anything: `redis` is removed (see
 * {@link guardFromConfig}).
 *
 * @example
 * ```ts
 * createGuard(guardOptionsOf(config)) // validates the guard section
 * ```
 */
export function guardOptionsOf(config: GatewayConfig): GuardOptions {
  // shallow copies along the path to `redis`: the rest (functions, keys) is passed as given
  const options = { ...config.guard } as Record<string, unknown>
  const introspection = options.introspection as Record<string, unknown> | undefined
  const cache = introspection?.cache as Record<string, unknown> | undefined
  if (introspection && cache) {
    const { redis: _redis, ...rest } = cache
    options.introspection = { ...introspection, cache: rest }
  }
  return options as unknown as GuardOptions
}

/**
 * Builds the guard of a configuration.
 *
 * @example
 * ```ts
 * const { guard } = guardFromConfig(config, { metrics, logger })
 * await guard.ready()
 * ```
 */
export function guardFromConfig(
  config: GatewayConfig,
  deps: { metrics?: GatewayMetrics; logger?: Logger; fetch?: FetchLike } = {},
): ConfiguredGuard {
  const options = guardOptionsOf(config)
  const redisOptions = config.guard.introspection?.cache?.redis
  let redis: RedisCacheStore | undefined
  if (redisOptions && options.introspection) {
    const { logger } = deps
    redis = createRedisStore({
      ...redisOptions,
      ...(logger && {
        logger: { warn: (m: string) => logger.warn(m), info: (m: string) => logger.info(m) },
      }),
    })
    options.introspection.cache = { ...options.introspection.cache, store: redis }
  }
  const metrics = deps.metrics
  const base: FetchLike = deps.fetch ?? options.fetch ?? ((input, init) => fetch(input, init))
  options.fetch = metrics
    ? (input, init) =>
        base(input, init).then(
          (response) => {
            if (!response.ok) metrics.fetchFailure('status')
            return response
          },
          (error: unknown) => {
            metrics.fetchFailure('network')
            throw error
          },
        )
    : base
  try {
    return { guard: createGuard(options), redis }
  } catch (error) {
    void redis?.close()
    throw error
  }
}
