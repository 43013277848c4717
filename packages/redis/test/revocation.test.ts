/** Two stores on one Redis, as two instances of an API: a shared cache and a shared revocation list. */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRedisStore, type RedisCacheStore, type RedisStoreOptions } from '../src/index.js'
import { activeEntry, callsOf, captureLogger, keyFor, waitFor } from './helpers.js'
import { startRedisServer, type RedisServer } from './redis-server.js'
import { serviceAvailable } from '../../../test/support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  let server: RedisServer
  let raw: Redis
  const stores: RedisCacheStore[] = []

  const storeWith = async (options: RedisStoreOptions = {}) => {
    const store = createRedisStore({ url: server.url, logger: captureLogger(), ...options })
    stores.push(store)
    await store.ready()
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

  describe('two instances', () => {
    it('set on A, get on B: B reads it from Redis', { timeout: 10_000 }, async () => {
      const a = await storeWith()
      const b = await storeWith()
      const key = keyFor('shared')
      await a.set(key, activeEntry(), 60_000)
      expect(await b.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(1)
    })

    it('delete on A evicts the key from B’s memory layer', { timeout: 10_000 }, async () => {
      const a = await storeWith()
      const b = await storeWith()
      const key = keyFor('revoked')
      const other = keyFor('still-valid')
      await a.set(key, activeEntry(), 60_000)
      await a.set(other, activeEntry('bob'), 60_000)
      expect(await b.get(key)).toEqual(activeEntry()) // now in B's memory
      expect(await b.get(other)).toEqual(activeEntry('bob'))
      await raw.config('RESETSTAT')
      expect(await b.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(0) // served from B's memory

      await a.delete(key)
      expect(await a.get(key)).toBeUndefined()
      await waitFor(async () => (await b.get(key)) === undefined, 3_000, 'B to evict the key')
      expect(await raw.exists(`bearerguard:introspection:${key}`)).toBe(0)
      await raw.config('RESETSTAT')
      expect(await b.get(other)).toEqual(activeEntry('bob')) // other keys stay in memory
      expect(await callsOf(raw, 'get')).toBe(0)
    })

    it('a store without a memory layer still broadcasts its revocations', async () => {
      const a = await storeWith({ memory: false })
      const b = await storeWith()
      const key = keyFor('revoked-by-memoryless')
      await b.set(key, activeEntry(), 60_000) // in B's memory and Redis
      await a.delete(key)
      await waitFor(async () => (await b.get(key)) === undefined, 3_000, 'B to evict the key')
    })

    it('deny on A: the entry is in Redis until its TTL, and every store’s listeners hear the key', async () => {
      const a = await storeWith()
      const b = await storeWith({ memory: false }) // subscribes once a listener is added
      const heardA: Array<string | undefined> = []
      const heardB: Array<string | undefined> = []
      a.onRevoked((key) => heardA.push(key))
      b.onRevoked((key) => heardB.push(key))
      await b.ready()
      const key = keyFor('denied-jwt')
      await a.deny(key, { active: false }, 60_000)
      await waitFor(() => heardB.includes(key) && heardA.includes(key), 3_000, 'the broadcast')
      expect(await b.get(key)).toEqual({ active: false })
      const ttl = await raw.pttl(`bearerguard:introspection:${key}`)
      expect(ttl).toBeGreaterThan(55_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
      await a.delete(keyFor('deleted'))
      await waitFor(() => heardB.includes(keyFor('deleted')), 3_000, 'the delete broadcast')
    })

    it('deny checks its arguments and rejects when closed', async () => {
      const a = await storeWith()
      await expect(a.deny('', { active: false }, 1000)).rejects.toThrow(TypeError)
      await expect(a.deny(keyFor('x'), { active: false }, 0)).rejects.toThrow(RangeError)
      await a.close()
      await expect(a.deny(keyFor('x'), { active: false }, 1000)).rejects.toThrow('closed')
    })

    it('stores on another channel do not hear the revocation', async () => {
      const a = await storeWith({ channel: 'tenant-a:revocations' })
      const b = await storeWith({ channel: 'tenant-b:revocations' })
      const key = keyFor('other-channel')
      await b.set(key, activeEntry(), 60_000)
      await a.delete(key)
      // B's memory still holds it: wait for a broadcast on B's channel to know A's was delivered.
      const probe = keyFor('probe')
      await b.set(probe, { active: false }, 60_000)
      await raw.del(`bearerguard:introspection:${probe}`)
      await raw.publish('tenant-b:revocations', probe)
      await waitFor(async () => (await b.get(probe)) === undefined, 3_000, 'the probe')
      expect(await b.get(key)).toEqual(activeEntry())
    })

    it('a subscriber that lost its connection clears its memory when back', async () => {
      const b = await storeWith()
      const key = keyFor('missed')
      await b.set(key, activeEntry(), 60_000)
      await raw.config('RESETSTAT')
      expect(await b.get(key)).toEqual(activeEntry())
      expect(await callsOf(raw, 'get')).toBe(0)
      await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
      // Once subscribed again, B reads the key from Redis: its memory layer was cleared.
      await waitFor(
        async () => (await b.get(key)) !== undefined && (await callsOf(raw, 'get')) >= 1,
        5_000,
        'B to resubscribe and clear its memory layer',
      )
      expect(await callsOf(raw, 'subscribe')).toBe(1)
    })
  })
})
