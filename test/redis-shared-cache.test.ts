/**
 * Two API instances sharing one real Redis as their introspection cache: the second is served
 * from Redis, a revoke on one is seen by the other, and a Redis outage only costs introspection.
 */
import { createGuard, type Guard } from '@bearerguard/core'
import { bearerAuth } from '@bearerguard/express'
import { createRedisStore } from '@bearerguard/redis'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import express from 'express'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '../packages/redis/test/redis-server.js'
import { serviceAvailable } from './support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  const AUDIENCE = 'https://api.example.com'
  let redis: RedisServer
  let issuer: TestIssuer
  let prefix: string
  let warnings: string[]
  const guards: Guard[] = []

  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(() => redis.stop())
  beforeEach(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    prefix = `bg-test-${Math.random().toString(36).slice(2)}:`
    warnings = []
  })
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((g) => g.close()))
    await issuer.close()
  })

  /** One API instance: its own guard and its own store (memory layer, connections) on the shared Redis. */
  function instance(): {
    guard: Guard
    app: express.Express
    store: ReturnType<typeof createRedisStore>
  } {
    const store = createRedisStore({
      url: redis.url,
      keyPrefix: prefix,
      logger: { warn: (m: string) => warnings.push(m), info: () => {} },
    })
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      introspection: {
        clientId: 'test-client',
        clientSecret: 'test-secret',
        cache: { ttl: 300, store },
      },
    })
    guards.push(guard)
    const app = express()
    app.use(bearerAuth(guard), (req, res) => {
      res.json({ sub: req.auth?.subject })
    })
    return { guard, app, store }
  }
  const call = (app: express.Express, token: string) =>
    request(app).get('/').set('Authorization', `Bearer ${token}`)
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  async function until(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
    const started = Date.now()
    while (Date.now() - started < ms) {
      if (await check()) return true
      await sleep(50)
    }
    return false
  }

  describe('a Redis cache store shared by two instances', () => {
    it('the second instance is served from Redis without calling introspection', async () => {
      const one = instance()
      const two = instance()
      const token = await issuer.opaqueToken({ sub: 'alice' })
      expect((await call(one.app, token)).body).toEqual({ sub: 'alice' })
      expect(issuer.requestCount('introspection')).toBe(1)
      // the cache write is not awaited by the request: wait until instance two is served from Redis
      expect(
        await until(
          async () =>
            (await call(two.app, token)).status === 200 &&
            issuer.requestCount('introspection') === 1,
        ),
      ).toBe(true)
      for (let i = 0; i < 5; i++) expect((await call(two.app, token)).status).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(1)
    })

    it('a revoke on one instance makes the other reject the token', async () => {
      const one = instance()
      const two = instance()
      const token = await issuer.opaqueToken({ sub: 'alice' })
      expect((await call(one.app, token)).status).toBe(200)
      await sleep(100)
      expect((await call(two.app, token)).status).toBe(200) // now in two's memory layer too
      await issuer.revoke(token) // the authorization server revokes it …
      await one.guard.revoke(token) // … and instance one learns of it
      expect((await call(one.app, token)).status).toBe(401)
      expect(await until(async () => (await call(two.app, token)).status === 401)).toBe(true)
    })

    it('Redis killed mid-test: requests are still answered correctly by introspection', async () => {
      const one = instance()
      const good = await issuer.opaqueToken({ sub: 'alice' })
      expect((await call(one.app, good)).status).toBe(200)
      await redis.kill()
      try {
        const fresh = await issuer.opaqueToken({ sub: 'bob' })
        const revoked = await issuer.opaqueToken({ sub: 'mallory' })
        await issuer.revoke(revoked)
        const started = Date.now()
        const answers = await Promise.all([
          call(one.app, fresh),
          call(one.app, revoked),
          call(one.app, 'unknown'),
        ])
        expect(answers.map((r) => r.status)).toEqual([200, 401, 401])
        expect(answers[0]?.body).toEqual({ sub: 'bob' })
        expect(Date.now() - started).toBeLessThan(3000)
        for (let i = 0; i < 5; i++) expect((await call(one.app, fresh)).status).toBe(200)
        expect(answers.every((r) => r.status < 500)).toBe(true)
        expect(warnings.length).toBeLessThanOrEqual(2) // logged once per outage, not per request
        expect(warnings.length).toBeGreaterThanOrEqual(1)
      } finally {
        await redis.start()
      }
      // and it reconnects by itself: once it has, a result cached by one is served to another
      expect(await until(async () => one.store.reachable, 10_000)).toBe(true)
      const two = instance()
      const later = await issuer.opaqueToken({ sub: 'carol' })
      expect((await call(one.app, later)).status).toBe(200)
      const introspected = issuer.requestCount('introspection')
      await sleep(100)
      expect((await call(two.app, later)).status).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(introspected)
    })
  })
})
