/**
 * The guard of a configuration: `@bearerguard/core`'s createGuard with the config's `guard`
 * section, the Redis store when `introspection.cache.redis` is set, a `fetch` that counts
 * failed calls to the authorization server, and the metrics' guard observer added to its
 * `telemetry` (the `bearerguard_*` series of `/metrics`).
 */
import {
  createGuard,
  type FetchLike,
  type Guard,
  type GuardObserver,
  type GuardOptions,
} from '@bearerguard/core'
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
  if (metrics) options.telemetry = withObserver(options.telemetry, metrics.guardObserver)
  try {
    return { guard: createGuard(options), redis }
  } catch (error) {
    void redis?.close()
    throw error
  }
}

/**
 * `telemetry` with `observer` added (next to the configured one, if any). `false` stays
 * `false`: core then reports nothing, to OpenTelemetry or to an observer.
 */
function withObserver(
  telemetry: GuardOptions['telemetry'],
  observer: GuardObserver,
): GuardOptions['telemetry'] {
  if (telemetry === false) return false
  const configured = telemetry?.observer
  return {
    ...telemetry,
    observer:
      configured && configured !== observer ? bothObservers(configured, observer) : observer,
  }
}

/** Every method of a GuardObserver (a method core adds fails to compile until listed). */
const OBSERVER_METHODS = [
  'authentication',
  'authorization',
  'upstream',
  'circuit',
] as const satisfies readonly (keyof GuardObserver)[]
const EVERY_METHOD_LISTED: [
  Exclude<keyof GuardObserver, (typeof OBSERVER_METHODS)[number]>,
] extends [never]
  ? true
  : never = true
void EVERY_METHOD_LISTED

/** One observer telling both; a failing one does not keep the other from hearing. */
function bothObservers(first: GuardObserver, second: GuardObserver): GuardObserver {
  const both: GuardObserver = {}
  for (const name of OBSERVER_METHODS) {
    const targets = [first, second].filter((o) => typeof o[name] === 'function')
    if (targets.length === 0) continue
    ;(both as Record<string, (...args: unknown[]) => void>)[name] = (...args: unknown[]) => {
      for (const target of targets) {
        try {
          ;(target[name] as (...a: unknown[]) => void).apply(target, args)
        } catch {
          // an observer's failure must not change the answer to the request
        }
      }
    }
  }
  return both
}
