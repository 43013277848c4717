import { createGuard, type Guard } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthError,
  AuthException,
  authErrorHandler,
  authErrorOf,
  authErrorResponse,
  bearerAuth,
  InsufficientScopeError,
  requireScopes,
} from '../src/index.js'
import { AUDIENCE, listen } from './app.js'

let issuer: TestIssuer
let guard: Guard
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
})
afterAll(async () => {
  await guard.close()
  await issuer.close()
})

const reader = async () => `Bearer ${await issuer.token({ sub: 'alice', scope: 'orders:read' })}`

/** /api/orders needs `admin`, which `reader()` lacks. */
function appWith(configure?: (app: Hono) => void) {
  const app = new Hono()
  configure?.(app)
  app.use('/api/*', bearerAuth(guard))
  app.get('/api/orders', requireScopes('admin'), (c) => c.json({ ok: true }))
  return app
}

describe('rejections and app.onError', () => {
  it('app.onError receives the rejection first: an HTTPException carrying the AuthError', async () => {
    const seen: unknown[] = []
    const app = appWith((a) =>
      a.onError((err, c) => {
        seen.push(err)
        return c.json({ mine: true }, 418)
      }),
    )
    const res = await request(listen(app))
      .get('/api/orders')
      .set('Authorization', await reader())
    expect(res.status).toBe(418)
    expect(res.body).toEqual({ mine: true })
    expect(seen).toHaveLength(1)
    const [err] = seen
    expect(err).toBeInstanceOf(AuthException)
    expect(err).toBeInstanceOf(HTTPException)
    expect((err as AuthException).status).toBe(403)
    expect((err as AuthException).authError).toBeInstanceOf(InsufficientScopeError)
    expect((err as AuthException).cause).toBe((err as AuthException).authError)
    expect(authErrorOf(err)).toBe((err as AuthException).authError)
  })

  it('without onError, Hono’s default handler answers with status, challenge and the RFC 6750 body', async () => {
    const res = await request(listen(appWith()))
      .get('/api/orders')
      .set('Authorization', await reader())
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: expect.any(String) })
  })

  it('the usual onError (`err instanceof HTTPException` → getResponse()) keeps bearerguard’s answer', async () => {
    const app = appWith((a) =>
      a.onError((err, c) => {
        if (err instanceof HTTPException) return err.getResponse()
        return c.text('oops', 500)
      }),
    )
    const res = await request(listen(app)).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api"/)
    expect(res.body.error).toBe('unauthorized')
  })

  it('authErrorHandler answers AuthExceptions and bare AuthErrors, keeping headers set before (CORS)', async () => {
    const app = appWith((a) => {
      a.onError(authErrorHandler)
      a.use('*', cors({ origin: 'https://app.example', exposeHeaders: ['WWW-Authenticate'] }))
      // a handler checking by hand throws core's AuthError itself
      a.get('/mine', (c) => {
        guard.authorize(undefined, { scopes: ['orders:read'], match: 'all' })
        return c.json({ ok: true })
      })
    })
    const server = listen(app)
    const denied = await request(server)
      .get('/api/orders')
      .set('Origin', 'https://app.example')
      .set('Authorization', await reader())
    expect(denied.status).toBe(403)
    expect(denied.headers['access-control-allow-origin']).toBe('https://app.example')
    expect(denied.headers['access-control-expose-headers']).toBe('WWW-Authenticate')
    expect(denied.body.error).toBe('insufficient_scope')
    const bare = await request(server).get('/mine')
    expect(bare.status).toBe(401)
    expect(bare.headers['www-authenticate']).toMatch(/^Bearer realm="api"/)
  })

  it('authErrorHandler treats other errors as Hono’s default handler does', async () => {
    const app = new Hono()
    app.onError(authErrorHandler)
    app.get('/teapot', () => {
      throw new HTTPException(418, { message: 'short and stout' })
    })
    app.get('/bug', () => {
      throw new TypeError('a bug')
    })
    const server = listen(app)
    const teapot = await request(server).get('/teapot')
    expect(teapot.status).toBe(418)
    expect(teapot.text).toBe('short and stout')
    const errors: unknown[] = []
    const original = console.error
    console.error = (error: unknown) => errors.push(error)
    try {
      const bug = await request(server).get('/bug')
      expect(bug.status).toBe(500)
      expect(bug.text).toBe('Internal Server Error')
    } finally {
      console.error = original
    }
    expect(errors).toEqual([expect.any(TypeError)])
  })

  it('a guard whose check() throws something that is not an AuthError (a bug): 500, never 401', async () => {
    const buggy = Object.create(guard, {
      check: {
        value: () => {
          throw new TypeError('a bug in a custom guard')
        },
      },
    }) as Guard
    const app = new Hono()
    app.onError((err, c) => c.json({ bug: err instanceof TypeError }, 500))
    app.use('/api/*', bearerAuth(buggy))
    app.get('/api/me', (c) => c.json({ ok: true }))
    const res = await request(listen(app)).get('/api/me').set('Authorization', 'Bearer abc')
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ bug: true })
    expect(res.headers['www-authenticate']).toBeUndefined()
  })

  it('authErrorResponse renders an AuthError no guard rendered with the defaults', async () => {
    const res = authErrorResponse(new InsufficientScopeError(['admin']))
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="Insufficient scope", scope="admin"',
    )
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' })
    expect(authErrorOf(new Error('x'))).toBeUndefined()
    expect(authErrorOf(new InsufficientScopeError(['a']))).toBeInstanceOf(AuthError)
  })

  it('an AuthException answers anew at each getResponse() call', async () => {
    const exception = new AuthException(new InsufficientScopeError(['admin']))
    expect(await exception.getResponse().text()).toBe(await exception.getResponse().text())
    expect(exception.status).toBe(403)
    expect(exception.message).toBe(exception.authError.message)
  })
})
