/** Rejections go through Koa's error path: catchable upstream, quiet for 4xx, emitted for 503. */
import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import {
  AuthError,
  AuthServerUnavailableError,
  InsufficientScopeError,
  UnauthorizedError,
} from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type Koa from 'koa'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth } from '../src/index.js'
import { AUDIENCE, koaVersions, makeApp, type AppOptions } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())
afterEach(() => issuer.fault('jwks', undefined))

describe.each(koaVersions)('errors on %s', (_name, KoaVersion) => {
  const build = (options: AppOptions = {}, guard = {}) =>
    makeApp(KoaVersion, { issuer: issuer.url, audience: AUDIENCE, timeout: 300, ...guard }, options)

  it('4xx rejections are not emitted as app errors', async () => {
    const { app, emitted } = build()
    const server = app.callback()
    const profile = await issuer.token({ scope: 'profile' })
    expect((await request(server).get('/api/orders')).status).toBe(401)
    expect((await request(server).get('/api/me').set('Authorization', 'Bearer x')).status).toBe(401)
    expect(
      (await request(server).get('/api/orders').set('Authorization', `Bearer ${profile}`)).status,
    ).toBe(403)
    expect(emitted).toEqual([])
  })

  it('503 with Retry-After when the JWKS answers 500, and it is emitted', async () => {
    const { app, emitted } = build()
    issuer.fault('jwks', { type: 'status', status: 500 })
    const token = await issuer.token({ scope: 'orders:read' })
    const res = await request(app.callback())
      .get('/api/orders')
      .set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(res.body.error).toBe('temporarily_unavailable')
    expect(emitted).toHaveLength(1)
    expect(emitted[0]).toBeInstanceOf(AuthServerUnavailableError)
  })

  it('503 when the JWKS cannot be reached at all', async () => {
    const { app, emitted } = build({}, { jwksUri: 'http://127.0.0.1:1/jwks' })
    const res = await request(app.callback())
      .get('/api/me')
      .set('Authorization', `Bearer ${await issuer.token({})}`)
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toMatch(/^\d+$/)
    expect(res.headers['www-authenticate'] ?? '').not.toContain('invalid_token')
    expect(emitted).toHaveLength(1)
    expect(emitted[0]).toBeInstanceOf(AuthServerUnavailableError)
  })

  it('other errors thrown by a handler still take Koa’s normal path (500, emitted)', async () => {
    const { app, emitted } = build()
    const token = await issuer.token({})
    const res = await request(app.callback())
      .get('/api/boom')
      .set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(500)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.text).toBe('Internal Server Error')
    expect(emitted).toHaveLength(1)
    expect((emitted[0] as Error).message).toBe('boom')
  })

  it('a user error middleware upstream catches the AuthError and answers its own way', async () => {
    const seen: unknown[] = []
    const first: Koa.Middleware = async (ctx, next) => {
      try {
        await next()
      } catch (err) {
        seen.push(err)
        if (!(err instanceof AuthError)) throw err
        ctx.status = err.status
        ctx.set(err.headers)
        ctx.body = { mine: true, code: err.code ?? null }
      }
    }
    const { app, emitted } = build({ first })
    const token = await issuer.token({ scope: 'x' })
    const res = await request(app.callback())
      .get('/api/orders')
      .set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ mine: true, code: 'insufficient_scope' })
    expect(res.headers['www-authenticate']).toContain('scope="orders:read"')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(InsufficientScopeError)
    const anonymous = await request(app.callback()).get('/api/me')
    expect(anonymous.body).toEqual({ mine: true, code: null })
    expect(seen[1]).toBeInstanceOf(UnauthorizedError)
    expect(emitted).toEqual([])
  })

  it('a user error middleware that rethrows leaves the answer to bearerguard', async () => {
    const first: Koa.Middleware = async (ctx, next) => {
      try {
        await next()
      } catch (err) {
        ctx.set('X-Seen', '1') // cleared: an error answer starts from a clean slate, as in Koa
        throw err
      }
    }
    const { app, emitted } = build({ first })
    const res = await request(app.callback()).get('/api/me')
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: 'unauthorized',
      error_description: 'Authentication required',
    })
    expect(res.headers['x-seen']).toBeUndefined()
    expect(emitted).toEqual([])
  })

  it('headers added to err.headers upstream (as @koa/cors does) are kept', async () => {
    const first: Koa.Middleware = async (_ctx, next) => {
      try {
        await next()
      } catch (err) {
        const e = err as AuthError
        e.headers = { ...e.headers, 'access-control-allow-origin': '*' }
        throw e
      }
    }
    const { app } = build({ first })
    const res = await request(app.callback()).get('/api/me')
    expect(res.status).toBe(401)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })

  it('an AuthError the handler throws itself (after bearerAuth) is answered as JSON too', async () => {
    const app = new KoaVersion()
    const emitted: unknown[] = []
    app.on('error', (err: unknown) => emitted.push(err))
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }))
    app.use(() => {
      throw new InsufficientScopeError(['custom'])
    })
    const res = await request(app.callback()).get('/')
    expect(res.status).toBe(403)
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'Insufficient scope',
    })
    expect(emitted).toEqual([])
  })

  it('an error after the headers were sent goes to Koa’s own ctx.onerror', async () => {
    const app = new KoaVersion()
    const emitted: unknown[] = []
    app.on('error', (err: unknown) => emitted.push(err))
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }))
    app.use((ctx) => {
      ctx.res.statusCode = 200
      ctx.res.end('done')
      throw new UnauthorizedError()
    })
    const res = await request(app.callback()).get('/')
    expect(res.status).toBe(200)
    expect(res.text).toBe('done')
    expect(emitted).toHaveLength(1)
    expect(emitted[0]).toBeInstanceOf(UnauthorizedError)
    expect((emitted[0] as { headerSent?: boolean }).headerSent).toBe(true)
  })

  describe('authErrorHandler()', () => {
    it('answers 401 and 403 with status, headers and JSON, without emitting', async () => {
      const { app, emitted } = build({ explicitErrors: true })
      const server = app.callback()
      const res = await request(server).get('/api/orders')
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
      expect(res.body).toEqual({
        error: 'unauthorized',
        error_description: 'Authentication required',
      })
      const profile = await issuer.token({ scope: 'profile' })
      const forbidden = await request(server)
        .get('/api/orders')
        .set('Authorization', `Bearer ${profile}`)
      expect(forbidden.status).toBe(403)
      expect(forbidden.body.error).toBe('insufficient_scope')
      expect(emitted).toEqual([])
    })

    it('answers a 503 with Retry-After and JSON, and emits it', async () => {
      const { app, emitted } = build({ explicitErrors: true })
      issuer.fault('jwks', { type: 'status', status: 500 })
      const down = await request(app.callback())
        .get('/api/me')
        .set('Authorization', `Bearer ${await issuer.token({})}`)
      expect(down.status).toBe(503)
      expect(down.headers['retry-after']).toMatch(/^\d+$/)
      expect(down.body.error).toBe('temporarily_unavailable')
      expect(emitted).toHaveLength(1)
      expect(emitted[0]).toBeInstanceOf(AuthServerUnavailableError)
    })

    it('passes other errors on to Koa', async () => {
      const { app, emitted } = build({ explicitErrors: true })
      const res = await request(app.callback())
        .get('/api/boom')
        .set('Authorization', `Bearer ${await issuer.token({})}`)
      expect(res.status).toBe(500)
      expect(res.text).toBe('Internal Server Error')
      expect(emitted).toHaveLength(1)
    })
  })
})
