/** One store against a real redis-server: round trips, TTLs, key layout, the memory layer, close. */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRedisStore, RedisStoreError, type RedisCacheStore } from '../src/index.js'
import { activeEntry, callsOf, captureLogger, keyFor, sleep, waitFor } from './helpers.js'
import { startRedisServer, type RedisServer } from './redis-server.js'
import { serviceAvailable } from '../../../test/support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  let server: RedisServer
  let raw: Redis
  const stores: RedisCacheStore[] = []

  const storeWith = (options: Parameters<typeof createRedisStore>[0] = {}) => {
    const store = createRedisStore({ url: server.url, logger: captureLogger(), ...options })
    stores.push(store)
    return store
  }

  beforeAll(async () => {
    server = await startRedisServer()
    raw = new Redis(server.url, { lazyConnect: true })
    await raw.connect()
  })
  afterAll(async () => {
    raw?.disconnect()
    await server?.stop()
  })
  beforeEach(async () => {
    await raw.flushall()
    await raw.config('RESETSTAT')
  })
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()))
  })

  describe('set and get', () => {
    it('round-trips active and inactive entries', { timeout: 10_000 }, async () => {
      const store = storeWith()
      await store.ready()
      const a = keyFor('token-a')
      const b = keyFor('token-b')
      await store.set(a, activeEntry(), 60_000)
      await store.set(b, { active: false }, 60_000)
      expect(await store.get(a)).toEqual(activeEntry())
      expect(await store.get(b)).toEqual({ active: false })
      expect(await store.get(keyFor('never-set'))).toBeUndefined()
    })

    it('lets Redis hold the TTL: PTTL matches and the entry is gone after it', async () => {
      const store = storeWith({ memory: false })
      await store.ready()
      const key = keyFor('short-lived')
      await store.set(key, activeEntry(), 300)
      const pttl = await raw.pttl(`bearerguard:introspection:${key}`)
      expect(pttl).toBeGreaterThan(0)
      expect(pttl).toBeLessThanOrEqual(300)
      expect(await store.get(key)).toEqual(activeEntry())
      await waitFor(
        async () => (await raw.exists(`bearerguard:introspection:${key}`)) === 0,
        3_000,
        'expiry',
      )
      expect(await store.get(key)).toBeUndefined()
    })

    it('does not serve an entry from memory past its Redis TTL', async () => {
      const store = storeWith({ memory: { ttl: 60_000 } })
      await store.ready()
      const key = keyFor('short-in-memory')
      await store.set(key, activeEntry(), 150)
      expect(await store.get(key)).toEqual(activeEntry())
      await sleep(250)
      expect(await store.get(key)).toBeUndefined()
    })

    it('accepts a fractional TTL; rejects a non-positive TTL and an empty key', async () => {
      const store = storeWith()
      await store.ready()
      await store.set(keyFor('fraction'), { active: false }, 0.4)
      await expect(store.set(keyFor('zero'), { active: false }, 0)).rejects.toThrow(RangeError)
      await expect(store.set(keyFor('nan'), { active: false }, Number.NaN)).rejects.toThrow(
        RangeError,
      )
      await expect(store.get('')).rejects.toThrow(TypeError)
    })
  })

  describe('what is stored in Redis', () => {
    it('namespaces keys and stores exactly the entry as JSON', async () => {
      const store = storeWith({ keyPrefix: 'orders-api:' })
      await store.ready()
      const key = keyFor('opaque-token-value')
      await store.set(key, activeEntry('bob'), 60_000)
      const keys = await raw.keys('*')
      expect(keys).toEqual([`orders-api:introspection:${key}`])
      expect(keys[0]).toMatch(/^orders-api:introspection:[A-Za-z0-9_-]{43}$/)
      expect(keys[0]).not.toContain('opaque-token-value')
      const stored = JSON.parse((await raw.get(keys[0] as string)) ?? 'null')
      expect(stored).toEqual(activeEntry('bob'))
      expect(Object.keys(stored).sort()).toEqual(['active', 'claims', 'issuer'])
      expect(JSON.stringify(stored)).not.toContain('opaque-token-value')
    })

    it('reads a corrupt or foreign value as a miss', async () => {
      const store = storeWith({ memory: false })
      await store.ready()
      await raw.set(`bearerguard:introspection:${keyFor('corrupt')}`, 'not json', 'PX', 60_000)
      await raw.set(`bearerguard:introspection:${keyFor('foreign')}`, '{"active":"yes"}')
      expect(await store.get(keyFor('corrupt'))).toBeUndefined()
      expect(await store.get(keyFor('foreign'))).toBeUndefined()
    })
  })

  describe('the memory layer', () => {
    it('serves a repeated get without a Redis round trip', async () => {
      const writer = storeWith()
      const reader = storeWith()
      await Promise.all([writer.ready(), reader.ready()])
      const key = keyFor('hot-token')
      await writer.set(key, activeEntry(), 60_000)
      await raw.config('RESETSTAT')
      expect(await reader.get(key)).toEqual(activeEntry()) // from Redis, kept in memory
      expect(await callsOf(raw, 'get')).toBe(1)
      for (let i = 0; i < 5; i++) expect(await reader.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(1)
      expect(await writer.get(key)).toEqual(activeEntry()) // set() filled the writer's memory
      expect(await callsOf(raw, 'get')).toBe(1)
    })

    it('caps what memory holds at memory.ttl, then reads Redis again', async () => {
      const store = storeWith({ memory: { ttl: 100 } })
      await store.ready()
      const key = keyFor('capped')
      await store.set(key, activeEntry(), 60_000)
      expect(await store.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(0)
      await sleep(150)
      expect(await store.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(1)
    })

    it('memory: false sends every get to Redis and opens no subscriber', async () => {
      const store = storeWith({ memory: false })
      await store.ready()
      const key = keyFor('no-memory')
      await store.set(key, activeEntry(), 60_000)
      await store.get(key)
      await store.get(key)
      expect(await callsOf(raw, 'get')).toBe(2)
      expect(await raw.pubsub('NUMSUB', 'bearerguard:revocations')).toEqual([
        'bearerguard:revocations',
        0,
      ])
    })
  })

  describe('close', () => {
    it('is idempotent, ends its connections, and later calls reject at once', async () => {
      const store = storeWith()
      await store.ready()
      const clientsBefore = (await raw.client('LIST')) as string
      expect(clientsBefore.trim().split('\n')).toHaveLength(3) // raw + commands + subscriber
      const first = store.close()
      expect(store.close()).toBe(first)
      await first
      await store.close()
      await waitFor(
        async () => ((await raw.client('LIST')) as string).trim().split('\n').length === 1,
        2_000,
        'the store connections to close',
      )
      expect(store.reachable).toBe(false)
      await expect(store.get(keyFor('x'))).rejects.toThrow(RedisStoreError)
      await expect(store.set(keyFor('x'), { active: false }, 1_000)).rejects.toThrow(/closed/)
      await expect(store.delete(keyFor('x'))).rejects.toThrow(/closed/)
      await expect(store.ready()).rejects.toThrow(/closed/)
    })

    it('does not quit a client it was given, but does close its own subscriber', async () => {
      const client = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true })
      await client.connect()
      try {
        const store = createRedisStore({ client, logger: captureLogger() })
        stores.push(store)
        await store.ready()
        await store.set(keyFor('given'), { active: false }, 60_000)
        expect(await raw.get(`bearerguard:introspection:${keyFor('given')}`)).toBe(
          '{"active":false}',
        )
        await store.close()
        expect(client.status).toBe('ready')
        expect(await client.ping()).toBe('PONG')
        await waitFor(
          async () => ((await raw.client('LIST')) as string).trim().split('\n').length === 2,
          2_000,
          'the subscriber to close',
        )
      } finally {
        client.disconnect()
      }
    })
  })

  describe('peek', () => {
    it('answers from the memory layer only, never with a Redis round trip', async () => {
      const writer = storeWith()
      const reader = storeWith()
      await Promise.all([writer.ready(), reader.ready()])
      const key = keyFor('token-peek')
      const entry = {
        active: true as const,
        issuer: 'https://as.example.com',
        claims: { sub: 'a' },
      }
      await writer.set(key, entry, 60_000)
      expect(writer.peek(key)).toEqual(entry) // written here, so held in memory
      expect(reader.peek(key)).toBeUndefined() // only in Redis for the other instance
      expect(await reader.get(key)).toEqual(entry) // a get fills its memory layer
      expect(reader.peek(key)).toEqual(entry)
    })
  })
})
