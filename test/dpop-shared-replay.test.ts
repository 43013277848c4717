/**
 * Two API instances (Express and Koa) sharing one real Redis as their DPoP replay store: a
 * proof accepted by one is a replay at the other; with Redis down, DPoP requests get a 503.
 */
import { createGuard, type Guard } from '@bearerguard/core'
import { bearerAuth as expressAuth, authErrorHandler } from '@bearerguard/express'
import { bearerAuth as koaAuth } from '@bearerguard/koa'
import { RedisReplayStore } from '@bearerguard/redis'
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import express from 'express'
import Koa from 'koa'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startRedisServer, type RedisServer } from '../packages/redis/test/redis-server.js'
import { serviceAvailable } from './support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('redis-server'))('with a real redis-server', () => {
  const AUDIENCE = 'https://api.example.com'
  const HOST = 'api.example.test'
  let redis: RedisServer
  let issuer: TestIssuer
  const closers: Array<() => Promise<void>> = []

  beforeAll(async () => {
    redis = await startRedisServer()
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterAll(async () => {
    await Promise.all(closers.splice(0).map((close) => close()))
    await issuer.close()
    await redis.stop()
  })

  function guardWithSharedReplay(): Guard {
    const replayStore = new RedisReplayStore({
      url: redis.url,
      keyPrefix: 'dpop-shared-test:',
      logger: { warn: () => {}, info: () => {} },
    })
    closers.push(() => replayStore.close())
    return createGuard({ issuer: issuer.url, audience: AUDIENCE, dpop: { replayStore } })
  }

  function expressInstance() {
    const app = express()
    app.set('env', 'test')
    app.get('/api/me', expressAuth(guardWithSharedReplay()), (req, res) => {
      res.json({ subject: req.auth?.subject })
    })
    app.use(authErrorHandler())
    return app
  }

  function koaInstance() {
    const app = new Koa()
    app.silent = true
    app.use(koaAuth(guardWithSharedReplay()))
    app.use((ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject }
    })
    return app.callback()
  }

  describe('a DPoP replay store shared through Redis', () => {
    it(
      'a proof accepted by one instance is refused by the other',
      { timeout: 15_000 },
      async () => {
        const key = await createDpopKey()
        const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
        const proof = dpopProof(key, {
          method: 'GET',
          url: `http://${HOST}/api/me`,
          accessToken: token,
        })
        const send = (app: Parameters<typeof request>[0]) =>
          request(app)
            .get('/api/me')
            .set('Host', HOST)
            .set('Authorization', `DPoP ${token}`)
            .set('DPoP', proof)
        const [a, b] = [expressInstance(), koaInstance()]
        const first = await send(a)
        expect(first.status).toBe(200)
        const replay = await send(b)
        expect(replay.status).toBe(401)
        expect(replay.body.error).toBe('invalid_dpop_proof')
        expect((await send(a)).status).toBe(401)
      },
    )

    it(
      'with Redis down, a DPoP request is answered 503, never accepted',
      { timeout: 15_000 },
      async () => {
        const key = await createDpopKey()
        const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
        const app = expressInstance()
        const send = () =>
          request(app)
            .get('/api/me')
            .set('Host', HOST)
            .set('Authorization', `DPoP ${token}`)
            .set(
              'DPoP',
              dpopProof(key, { method: 'GET', url: `http://${HOST}/api/me`, accessToken: token }),
            )
        // the instance works (a new proof each try: the first may meet a Redis connection still
        // being made on a loaded machine, and a store that cannot answer is a 503)
        await vi.waitFor(async () => expect((await send()).status).toBe(200), {
          timeout: 5000,
          interval: 100,
        })
        await redis.kill()
        try {
          const res = await send()
          expect(res.status).toBe(503)
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
        } finally {
          await redis.start()
        }
      },
    )
  })
})
