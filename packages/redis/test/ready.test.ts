/**
 * `store.ready()` around a SUBSCRIBE that does not succeed at once: it rejects while the store
 * is not subscribed and resolves on a later call once it is, whether the answer comes late on
 * the same connection (slower than `commandTimeout`), only on a new one (the silent link was
 * dropped), or Redis refuses it on a connection that stays up. Delays are made by a proxy in
 * front of a real redis-server, so they happen every run.
 */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serviceAvailable } from '../../../test/support/system-services.js'
import { createRedisStore, type RedisCacheStore } from '../src/index.js'
import { startDelayingProxy, type DelayingProxy } from './delaying-proxy.js'
import { activeEntry, captureLogger, keyFor, waitFor } from './helpers.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

const COMMAND_TIMEOUT = 200
// The silence after which a connection is dropped: 5 × commandTimeout, at least 1 s.
const SOCKET_TIMEOUT = 1_000

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('store.ready() around SUBSCRIBE', () => {
  let server: RedisServer
  let proxy: DelayingProxy | undefined
  const stores: RedisCacheStore[] = []

  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()))
    await proxy?.close()
    proxy = undefined
  })
  afterAll(async () => {
    await server?.stop()
  })

  const storeAt = (url: string) => {
    const store = createRedisStore({
      url,
      commandTimeout: COMMAND_TIMEOUT,
      logger: captureLogger(),
    })
    stores.push(store)
    return store
  }

  /** A revocation published by another instance reaches `store`'s memory layer. */
  async function hearsRevocations(store: RedisCacheStore) {
    const other = storeAt(server.url)
    await other.ready()
    const key = keyFor(`revoked-${stores.length}`)
    await other.set(key, activeEntry(), 60_000)
    expect(await store.get(key)).toEqual(activeEntry())
    expect(store.peek(key)).toEqual(activeEntry()) // now in store's memory layer
    await other.delete(key)
    await waitFor(() => store.peek(key) === undefined, 3_000, 'the revocation to arrive')
  }

  it(
    'slower than commandTimeout on a live connection: ready() rejects meanwhile, then resolves',
    { timeout: 20_000 },
    async () => {
      const delayMs = 3 * COMMAND_TIMEOUT // longer than commandTimeout, shorter than the silence limit
      expect(delayMs).toBeLessThan(SOCKET_TIMEOUT)
      proxy = await startDelayingProxy(server.port, { command: 'subscribe', delayMs })
      const store = storeAt(proxy.url)

      await expect(store.ready(COMMAND_TIMEOUT)).rejects.toThrow(/not ready within/)
      await store.ready(5_000)
      expect(proxy.delayed).toBe(1)
      expect(store.reachable).toBe(true)
      await store.ready(50) // and every later call
      await hearsRevocations(store)
    },
  )

  it(
    'unanswered past the silence limit: the link is dropped, and ready() resolves once subscribed again',
    { timeout: 20_000 },
    async () => {
      proxy = await startDelayingProxy(server.port, {
        command: 'subscribe',
        delayMs: SOCKET_TIMEOUT + 1_000,
      })
      const store = storeAt(proxy.url)

      await expect(store.ready(SOCKET_TIMEOUT / 2)).rejects.toThrow(/not ready within/)
      await store.ready(10_000)
      expect(proxy.delayed).toBe(1)
      await hearsRevocations(store)
    },
  )

  it(
    'refused on a connection that stays up: tried again, and ready() resolves once allowed',
    { timeout: 20_000 },
    async () => {
      const admin = new Redis(server.url, { lazyConnect: true })
      await admin.connect()
      try {
        await admin.acl('SETUSER', 'listener', 'on', '>secret', '~*', '&*', '+@all', '-subscribe')
        const store = storeAt(`redis://listener:secret@127.0.0.1:${server.port}`)
        await expect(store.ready(1_000)).rejects.toThrow(/not ready within/)
        expect(store.reachable).toBe(true) // Redis answers; only SUBSCRIBE is refused
        await admin.acl('SETUSER', 'listener', '+subscribe')
        await store.ready(5_000)
        await hearsRevocations(store)
      } finally {
        await admin.acl('DELUSER', 'listener')
        admin.disconnect()
      }
    },
  )
})
