/**
 * What {@link createRedisStore} accepts, and its validation: every wrong option fails at
 * construction with a `GuardOptionError` that names the option and the fix.
 */
import { GuardOptionError } from '@bearerguard/core'
import type { Redis } from 'ioredis'

/**
 * Where the store logs. It logs one warning when Redis becomes unreachable and one line
 * (`info` when the logger has it, else `warn`) when Redis is back: never one per request.
 *
 * @example
 * ```ts
 * const logger: RedisStoreLogger = { warn: (msg) => pino.warn(msg), info: (msg) => pino.info(msg) }
 * ```
 */
export interface RedisStoreLogger {
  /** Receives the one warning per outage (Redis unreachable). */
  warn(message: string): void
  /** Receives the one line logged when Redis is back; `warn` gets it when this is absent. */
  info?(message: string): void
}

/**
 * The in-process layer in front of Redis.
 *
 * @example
 * ```ts
 * const memory: MemoryLayerOptions = { max: 50_000, ttl: 2_000 }
 * ```
 */
export interface MemoryLayerOptions {
  /** Entries held. Default 10000. */
  max?: number
  /** Milliseconds an entry is served from memory at most (never past its Redis TTL). Default 5000. */
  ttl?: number
}

/**
 * Everything {@link createRedisStore} accepts; all optional.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = {
 *   url: 'redis://cache.internal:6379',
 *   keyPrefix: 'orders-api:',
 *   memory: { max: 20_000, ttl: 3_000 },
 *   commandTimeout: 150,
 * }
 * ```
 */
export interface RedisStoreOptions {
  /** `redis://` or `rediss://` (TLS) URL. Default `redis://127.0.0.1:6379`. Not with `client`. */
  url?: string
  /**
   * An existing ioredis client to use instead of `url`. The store does not quit it on
   * `close()`; configure it with `enableOfflineQueue: false` so commands do not queue while
   * Redis is down (the store still gives up on each call after `commandTimeout`).
   */
  client?: Redis
  /** Prefix of every key. Default `bearerguard:`. */
  keyPrefix?: string
  /** The memory layer, or `false` for none (every `get` goes to Redis). */
  memory?: MemoryLayerOptions | false
  /** Pub/sub channel of revocations. Default `${keyPrefix}revocations`. */
  channel?: string
  /** Milliseconds a Redis command may take before the call fails. Default 200. */
  commandTimeout?: number
  /** Where the outage warning goes. Default `console`. */
  logger?: RedisStoreLogger
}

/**
 * {@link RedisStoreOptions} with defaults applied.
 *
 * @example
 * ```ts
 * const { keyPrefix, channel, commandTimeout }: ResolvedRedisStoreOptions = resolveRedisStoreOptions({})
 * ```
 */
export interface ResolvedRedisStoreOptions {
  url: string
  client: Redis | undefined
  keyPrefix: string
  memory: Required<MemoryLayerOptions> | false
  channel: string
  commandTimeout: number
  logger: RedisStoreLogger
}

/**
 * Defaults of {@link RedisStoreOptions}.
 *
 * @example
 * ```ts
 * createRedisStore({ commandTimeout: REDIS_STORE_DEFAULTS.commandTimeout * 2 })
 * ```
 */
export const REDIS_STORE_DEFAULTS = {
  url: 'redis://127.0.0.1:6379',
  keyPrefix: 'bearerguard:',
  memoryMax: 10_000,
  memoryTtl: 5_000,
  commandTimeout: 200,
} as const

const KNOWN = ['url', 'client', 'keyPrefix', 'memory', 'channel', 'commandTimeout', 'logger']
const KNOWN_MEMORY = ['max', 'ttl']

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function fail(option: string, problem: string): never {
  throw new GuardOptionError(option, `${problem} (createRedisStore)`)
}

function checkKnown(value: Record<string, unknown>, known: string[], prefix: string): void {
  for (const name of Object.keys(value)) {
    if (!known.includes(name)) {
      fail(`${prefix}${name}`, `is not an option; known options: ${known.join(', ')}`)
    }
  }
}

function positive(value: unknown, option: string, what: string, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(option, `must be a positive number of ${what}, got ${String(value)}`)
  }
  if (integer && !Number.isInteger(value)) fail(option, `must be a whole number of ${what}`)
  return value
}

function nonEmpty(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string')
  return value
}

function checkUrl(value: unknown): string {
  const url = nonEmpty(value, 'url')
  let protocol: string
  try {
    protocol = new URL(url).protocol
  } catch {
    fail('url', 'must be a URL such as redis://127.0.0.1:6379')
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    fail('url', `must start with redis:// or rediss:// (TLS), not ${protocol}//`)
  }
  return url
}

function checkClient(value: unknown): Redis {
  const looksLikeIoredis =
    isObject(value) &&
    typeof value.status === 'string' &&
    ['get', 'set', 'pttl', 'multi', 'duplicate', 'on', 'off'].every(
      (m) => typeof value[m] === 'function',
    )
  if (!looksLikeIoredis) fail('client', 'must be an ioredis client (new Redis(...) from ioredis)')
  return value as unknown as Redis
}

function checkMemory(value: unknown): Required<MemoryLayerOptions> | false {
  if (value === false) return false
  if (value === undefined) {
    return { max: REDIS_STORE_DEFAULTS.memoryMax, ttl: REDIS_STORE_DEFAULTS.memoryTtl }
  }
  if (!isObject(value)) fail('memory', 'must be an object { max?, ttl? } or false')
  checkKnown(value, KNOWN_MEMORY, 'memory.')
  return {
    max:
      value.max === undefined
        ? REDIS_STORE_DEFAULTS.memoryMax
        : positive(value.max, 'memory.max', 'entries', true),
    ttl:
      value.ttl === undefined
        ? REDIS_STORE_DEFAULTS.memoryTtl
        : positive(value.ttl, 'memory.ttl', 'milliseconds'),
  }
}

function checkLogger(value: unknown): RedisStoreLogger {
  if (value === undefined) return console
  if (!isObject(value) || typeof value.warn !== 'function') {
    fail('logger', 'must be an object with a warn(message) method, such as console')
  }
  if (value.info !== undefined && typeof value.info !== 'function') {
    fail('logger.info', 'must be a function when given')
  }
  return value as unknown as RedisStoreLogger
}

/**
 * Validates `options` and applies the defaults.
 *
 * @example
 * ```ts
 * const resolved = resolveRedisStoreOptions({ url: 'redis://127.0.0.1:6379' })
 * resolved.channel // 'bearerguard:revocations'
 * ```
 */
export function resolveRedisStoreOptions(options: unknown = {}): ResolvedRedisStoreOptions {
  if (!isObject(options) || Array.isArray(options)) {
    fail('options', 'must be an object such as { url: "redis://127.0.0.1:6379" }')
  }
  checkKnown(options, KNOWN, '')
  if (options.url !== undefined && options.client !== undefined) {
    fail('client', 'cannot be given together with "url": pass one of them')
  }
  const keyPrefix =
    options.keyPrefix === undefined
      ? REDIS_STORE_DEFAULTS.keyPrefix
      : nonEmpty(options.keyPrefix, 'keyPrefix')
  return {
    url: options.url === undefined ? REDIS_STORE_DEFAULTS.url : checkUrl(options.url),
    client: options.client === undefined ? undefined : checkClient(options.client),
    keyPrefix,
    memory: checkMemory(options.memory),
    channel:
      options.channel === undefined
        ? `${keyPrefix}revocations`
        : nonEmpty(options.channel, 'channel'),
    commandTimeout:
      options.commandTimeout === undefined
        ? REDIS_STORE_DEFAULTS.commandTimeout
        : positive(options.commandTimeout, 'commandTimeout', 'milliseconds'),
    logger: checkLogger(options.logger),
  }
}
