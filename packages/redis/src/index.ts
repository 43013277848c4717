export { createRedisStore } from './create-redis-store.js'
export { RedisCacheStore } from './redis-cache-store.js'
export { RedisStoreError } from './errors.js'
export {
  REDIS_STORE_DEFAULTS,
  type MemoryLayerOptions,
  type RedisStoreLogger,
  type RedisStoreOptions,
} from './options.js'
export { RedisReplayStore, type RedisReplayStoreOptions } from './redis-replay-store.js'
