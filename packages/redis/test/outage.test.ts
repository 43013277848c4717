/**
 * Redis down, hung, or back: every call settles within about commandTimeout, one warning per
 * outage, the memory layer keeps serving, and the store reconnects by itself.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRedisStore, RedisStoreError, type RedisCacheStore } from '../src/index.js'
import { activeEntry, captureLogger, keyFor, sleep, timed, waitFor } from './helpers.js'
import { startRedisServer, type RedisServer } from './redis-server.js'
import { serviceAvailable } from '../../../test/support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  const COMMAND_TIMEOUT = 200
  const SETTLES_WITHIN = 2 * COMMAND_TIMEOUT

  let server: RedisServer
  let store: RedisCacheStore | undefined
  let logger: ReturnType<typeof captureLogger>

  beforeEach(async () => {
    server = await startRedisServer()
    logger = captureLogger()
  })
  afterEach(async () => {
    await store?.close()
    store = undefined
    await server.stop()
  })
  afterAll(async () => {
    await server?.stop()
  })

  const open = async () => {
    store = createRedisStore({ url: server.url, commandTimeout: COMMAND_TIMEOUT, logger })
    await store.ready()
    return store
  }

  /** Runs `work` and checks it settles in time; returns how it settled. */
  async function settlesFast(work: () => Promise<unknown>) {
    const result = await timed(work)
    expect(result.ms).toBeLessThan(SETTLES_WITHIN)
    return result
  }

  describe('Redis killed', () => {
    it(
      'fails fast, warns once, serves memory, and reconnects when Redis is back',
      { timeout: 30_000 },
      async () => {
        const s = await open()
        const held = keyFor('held-in-memory')
        const revoked = keyFor('revoked-while-down')
        await s.set(held, activeEntry(), 60_000)
        await s.set(revoked, activeEntry('mallory'), 60_000)

        await server.kill()

        // The memory layer still serves what it holds.
        const fromMemory = await settlesFast(() => s.get(held))
        expect(fromMemory).toMatchObject({ ok: true, value: activeEntry() })

        // A miss, a set and a delete reject quickly with a RedisStoreError.
        for (const call of [
          () => s.get(keyFor('not-in-memory')),
          () => s.set(keyFor('new'), activeEntry(), 60_000),
          () => s.delete(revoked),
        ]) {
          const result = await settlesFast(call)
          expect(result.ok).toBe(false)
          expect(result.error).toBeInstanceOf(RedisStoreError)
        }
        // delete still evicted the local memory layer: the revoked entry is not served.
        const afterDelete = await settlesFast(() => s.get(revoked))
        expect(afterDelete.ok).toBe(false)

        // Many calls over several reconnection attempts: still one warning.
        for (let i = 0; i < 20; i++) {
          await settlesFast(() => s.get(keyFor(`miss-${i}`)))
          await sleep(50)
        }
        expect(logger.warnings).toHaveLength(1)
        expect(logger.warnings[0]).toContain(`127.0.0.1:${server.port} is unreachable`)
        expect(logger.infos).toHaveLength(0)
        expect(s.reachable).toBe(false)

        // Back on the same port: the store reconnects by itself.
        await server.start()
        await waitFor(() => s.reachable, 10_000, 'the store to reconnect')
        await s.set(keyFor('after'), { active: false }, 60_000)
        expect(await s.get(keyFor('after'))).toEqual({ active: false })
        await waitFor(
          async () => {
            try {
              await s.delete(keyFor('after'))
              return true
            } catch {
              return false
            }
          },
          10_000,
          'delete to work again',
        )
        expect(logger.warnings).toHaveLength(1)
        expect(logger.infos).toEqual([
          expect.stringContaining(`127.0.0.1:${server.port} is reachable again`),
        ])
      },
    )

    it('revocations flow again after the subscriber reconnects', { timeout: 30_000 }, async () => {
      const a = await open()
      const b = createRedisStore({ url: server.url, commandTimeout: COMMAND_TIMEOUT, logger })
      try {
        await b.ready()
        await server.kill()
        await server.start()
        await Promise.all([a.ready(10_000), b.ready(10_000)])
        const key = keyFor('after-restart')
        await a.set(key, activeEntry(), 60_000)
        expect(await b.get(key)).toEqual(activeEntry()) // now in B's memory
        await a.delete(key)
        await waitFor(async () => (await b.get(key)) === undefined, 3_000, 'B to evict the key')
      } finally {
        await b.close()
      }
    })
  })

  describe('close while Redis is down', () => {
    it('settles at once and logs nothing more', { timeout: 10_000 }, async () => {
      const s = await open()
      await server.kill()
      await waitFor(() => !s.reachable, 2_000, 'the store to notice')
      await settlesFast(() => s.close())
      await settlesFast(() => s.close())
      const after = await settlesFast(() => s.get(keyFor('x')))
      expect(after.error).toBeInstanceOf(RedisStoreError)
      await sleep(300) // no reconnection attempt, no second warning
      expect(logger.warnings).toHaveLength(1)
    })
  })

  describe('Redis unreachable from the start', () => {
    it('warns once, fails fast, and connects when Redis appears', { timeout: 30_000 }, async () => {
      await server.kill()
      store = createRedisStore({ url: server.url, commandTimeout: COMMAND_TIMEOUT, logger })
      const s = store
      await expect(s.ready(300)).rejects.toThrow(/not ready within 300 ms/)
      for (let i = 0; i < 5; i++) {
        const result = await settlesFast(() => s.get(keyFor(`t${i}`)))
        expect(result.ok).toBe(false)
      }
      // Memory works without Redis: a set that fails in Redis is still held locally.
      const local = await settlesFast(() => s.set(keyFor('local'), activeEntry(), 60_000))
      expect(local.ok).toBe(false)
      expect(await s.get(keyFor('local'))).toEqual(activeEntry())
      expect(logger.warnings).toHaveLength(1)
      expect(logger.warnings[0]).toMatch(/unreachable.*since start-up/)

      await server.start()
      await s.ready(10_000)
      await s.set(keyFor('now'), { active: false }, 60_000)
      expect(logger.infos).toHaveLength(1)
    })
  })

  describe('Redis hung (process paused)', () => {
    it(
      'every call settles within about commandTimeout; the link is dropped and rebuilt',
      { timeout: 30_000 },
      async () => {
        const s = await open()
        const held = keyFor('held')
        await s.set(held, activeEntry(), 60_000)
        server.pause()
        try {
          for (const call of [
            () => s.get(keyFor('miss')),
            () => s.set(keyFor('new'), activeEntry(), 60_000),
            () => s.delete(keyFor('gone')),
          ]) {
            const result = await settlesFast(call)
            expect(result.ok).toBe(false)
            expect(result.error).toBeInstanceOf(RedisStoreError)
          }
          expect(await s.get(held)).toEqual(activeEntry())
          // The silent connection is dropped: one warning, then calls fail at once.
          await waitFor(() => logger.warnings.length === 1, 5_000, 'the outage warning')
          const quick = await timed(() => s.get(keyFor('miss-2')))
          expect(quick.ok).toBe(false)
          expect(quick.ms).toBeLessThan(COMMAND_TIMEOUT)
        } finally {
          server.resume()
        }
        await waitFor(() => s.reachable, 10_000, 'the store to reconnect')
        await s.set(keyFor('after'), { active: false }, 60_000)
        expect(logger.warnings).toHaveLength(1)
        expect(logger.infos).toHaveLength(1)
      },
    )
  })
})
