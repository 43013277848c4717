/** RedisReplayStore on a real redis-server: one claim per key across instances, TTLs, outages. */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisReplayStore, RedisStoreError } from '../src/index.js'
import { captureLogger } from './helpers.js'
import { startRedisServer, type RedisServer } from './redis-server.js'
import { serviceAvailable } from '../../../test/support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  let server: RedisServer
  let raw: Redis
  const stores: RedisReplayStore[] = []
  const storeWith = (keyPrefix = 'replay-test:') => {
    const store = new RedisReplayStore({ url: server.url, keyPrefix, logger: captureLogger() })
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
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()))
    if (server) await server.start()
  })

  const connected = async (store: RedisReplayStore) => {
    const until = Date.now() + 5_000
    while (!store.reachable && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
  }

  describe('RedisReplayStore', () => {
    it('one instance claims a key; every other instance then sees a replay', async () => {
      const [a, b] = [storeWith(), storeWith()]
      await Promise.all([connected(a), connected(b)])
      expect(await a.claim('proof-1', 60_000)).toBe(true)
      expect(await b.claim('proof-1', 60_000)).toBe(false)
      expect(await a.claim('proof-1', 60_000)).toBe(false)
      expect(await b.claim('proof-2', 60_000)).toBe(true)
    })
    it('concurrent claims of one key: exactly one wins', async () => {
      const stores3 = [storeWith(), storeWith(), storeWith()]
      await Promise.all(stores3.map(connected))
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (stores3[i % 3] as RedisReplayStore).claim('race', 60_000),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })
    it('keys are prefixed and expire with the proof window', async () => {
      const store = storeWith('orders-api:')
      await connected(store)
      await store.claim('k', 90_000)
      const ttl = await raw.pttl('orders-api:dpop-jti:k')
      expect(ttl).toBeGreaterThan(80_000)
      expect(ttl).toBeLessThanOrEqual(90_000)
      await store.claim('short', 50)
      await new Promise((r) => setTimeout(r, 120))
      expect(await store.claim('short', 50)).toBe(true)
    })
    it('while Redis is down, claim rejects with a RedisStoreError (it never hangs)', async () => {
      const store = storeWith()
      await connected(store)
      await server.kill()
      await expect(store.claim('during-outage', 60_000)).rejects.toBeInstanceOf(RedisStoreError)
    })
    it('after close, claim rejects; a bad key is a TypeError', async () => {
      const store = storeWith()
      await expect(store.claim('', 1000)).rejects.toBeInstanceOf(TypeError)
      await store.close()
      await expect(store.claim('k', 1000)).rejects.toThrow(/closed/)
    })
    it('bad options name the option', () => {
      expect(() => new RedisReplayStore({ url: 'http://not-redis' })).toThrow(/url/)
    })
  })
})
