/**
 * JWT revocation shared through a real Redis: three API instances (Express apps with their own
 * guard and store) on one redis-server with `revocationStore`. `guard.revoke(jwt)` on one is
 * refused by the others at once — tokens they hold verified in memory included — and by an
 * instance started afterwards; the deny entry lives until the token expires; an instance whose
 * Redis connection was lost verifies everything again; Redis down is a 503 for a token verified
 * afresh, never a pass.
 */
import { createGuard, type Guard } from '@bearerguard/core'
import { authErrorHandler, bearerAuth } from '@bearerguard/express'
import { createRedisStore, type RedisCacheStore } from '@bearerguard/redis'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import express from 'express'
import { Redis } from 'ioredis'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { callsOf, waitFor } from '../packages/redis/test/helpers.js'
import { startRedisServer, type RedisServer } from '../packages/redis/test/redis-server.js'
import { serviceAvailable } from './support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('JWT revocation on a real redis-server', () => {
  const AUDIENCE = 'https://api.example.com'
  let redis: RedisServer
  let raw: Redis
  let issuer: TestIssuer
  let prefix: string
  const guards: Guard[] = []

  beforeAll(async () => {
    redis = await startRedisServer()
    raw = new Redis(redis.url, { lazyConnect: true })
    await raw.connect()
  })
  afterAll(async () => {
    raw?.disconnect()
    await redis?.stop()
  })
  beforeEach(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    prefix = `bg-jwt-${Math.random().toString(36).slice(2)}:`
  })
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((g) => g.close()))
    await issuer.close()
  })

  /** One API instance: its own guard and store on the shared Redis. */
  async function instance(): Promise<{
    guard: Guard
    store: RedisCacheStore
    app: express.Express
  }> {
    const store = createRedisStore({
      url: redis.url,
      keyPrefix: prefix,
      commandTimeout: 300,
      logger: { warn: () => {}, info: () => {} },
    })
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, revocationStore: store })
    guards.push(guard)
    await store.ready()
    const app = express()
    app.set('env', 'test')
    app.use(bearerAuth(guard), (req, res) => {
      res.json({ subject: req.auth?.subject })
    })
    app.use(authErrorHandler())
    return { guard, store, app }
  }

  const call = (app: express.Express, token: string) =>
    request(app).get('/').set('Authorization', `Bearer ${token}`)

  it(
    'revoked on A: refused by B, which held it verified in memory, and by C started afterwards',
    { timeout: 15_000 },
    async () => {
      const a = await instance()
      const b = await instance()
      const token = await issuer.token({ sub: 'alice', jti: 'session-1' })
      const other = await issuer.token({ sub: 'bob', jti: 'session-2' })
      for (let i = 0; i < 3; i++) expect((await call(b.app, token)).status).toBe(200)
      await a.guard.revoke(token)
      // the broadcast reaches B within a moment; B refuses without asking Redis
      await waitFor(async () => (await call(b.app, token)).status === 401, 2_000, 'B to refuse')
      const refused = await call(b.app, token)
      expect(refused.status).toBe(401)
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
      expect(refused.body.error_description).toBe('The token has been revoked')
      expect((await call(b.app, other)).status).toBe(200)
      const c = await instance()
      expect((await call(c.app, token)).status).toBe(401)
      expect((await call(c.app, other)).status).toBe(200)
    },
  )

  it('the deny entry is in Redis until the token expires, never the token itself', async () => {
    const a = await instance()
    const exp = Math.floor(Date.now() / 1000) + 600
    const token = await issuer.token({ jti: 'session-3', exp })
    await a.guard.revoke(token)
    const keys = await raw.keys(`${prefix}*`)
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatch(/jwt-deny:[A-Za-z0-9_-]{43}$/)
    const ttl = await raw.pttl(keys[0] as string)
    const expected = (exp + 30) * 1000 - Date.now() // exp + clockTolerance
    expect(ttl).toBeGreaterThan(expected - 5_000)
    expect(ttl).toBeLessThanOrEqual(expected + 1_000)
    expect(await raw.get(keys[0] as string)).not.toContain(token.slice(0, 20))
  })

  it(
    'Redis down: a token verified afresh is 503, a token held verified is still judged; revoke rejects',
    { timeout: 20_000 },
    async () => {
      const a = await instance()
      const held = await issuer.token({ sub: 'alice', jti: 'held' })
      const kept = await issuer.token({ sub: 'carol', jti: 'kept' })
      for (let i = 0; i < 3; i++) {
        expect((await call(a.app, held)).status).toBe(200)
        expect((await call(a.app, kept)).status).toBe(200)
      }
      await redis.kill()
      try {
        await waitFor(() => !a.store.reachable, 3_000, 'the store to notice')
        const fresh = await call(a.app, await issuer.token({ sub: 'bob', jti: 'fresh' }))
        expect(fresh.status).toBe(503)
        expect(fresh.body.error_description).toBe('The revocation list is unavailable')
        expect(fresh.headers['retry-after']).toBe('1')
        expect((await call(a.app, held)).status).toBe(200)
        // not recorded in Redis: the caller learns it; this instance refuses it all the same
        await expect(a.guard.revoke(held)).rejects.toThrow()
        expect((await call(a.app, held)).status).toBe(401)
      } finally {
        await redis.start()
        await waitFor(() => raw.status === 'ready', 5_000, 'the raw client to reconnect')
      }
      await a.store.ready(10_000)
      // revocations may have been missed while it was away: a held token is verified again,
      // and so looked up in Redis
      const before = await callsOf(raw, 'get')
      expect((await call(a.app, kept)).status).toBe(200)
      expect(await callsOf(raw, 'get')).toBeGreaterThan(before)
      expect((await call(a.app, held)).status).toBe(401)
    },
  )
})
