import { createGuard, GuardOptionError, type GuardOrOptions } from '@bearerguard/core'
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import type { RequestListener } from 'node:http'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AuthError,
  bearerAuth,
  requireAnyRole,
  requireAnyScope,
  requireClaims,
  requireRoles,
  requireScopes,
  requireStepUp,
} from '../src/index.js'
import { AUDIENCE, listen } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterEach(() => issuer.fault('all', undefined))
afterAll(() => issuer.close())

const options = () => ({ issuer: issuer.url, audience: AUDIENCE, jwksCooldown: 0 })
const bearer = async (claims: Record<string, unknown> = {}) =>
  `Bearer ${await issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })}`

/** An app with bearerAuth on /api/* and `routes` declared after it. */
function apiWith(guard: GuardOrOptions, routes: (app: Hono) => void) {
  const app = new Hono()
  app.use('/api/*', bearerAuth(guard))
  routes(app)
  return listen(app)
}

describe('bearerAuth', () => {
  const server = () =>
    apiWith(options(), (app) => {
      app.get('/health', (c) => c.json({ ok: true }))
      app.get('/api/me', (c) => c.json(c.get('auth') ?? null))
    })

  it('a valid token: 200, c.get("auth") is the caller', async () => {
    const res = await request(server())
      .get('/api/me')
      .set('Authorization', await bearer())
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      subject: 'alice',
      scopes: ['orders:read'],
      issuer: issuer.url,
      audience: [AUDIENCE],
      scheme: 'Bearer',
      format: 'jwt',
    })
  })

  it('no token: 401 with a bare challenge and the RFC 6750 JSON body; unprotected routes are left alone', async () => {
    const app = server()
    const res = await request(app).get('/api/me')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", DPoP algs="/)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toEqual({ error: 'unauthorized', error_description: expect.any(String) })
    expect((await request(app).get('/health')).status).toBe(200)
  })

  it.each([
    ['expired', async () => bearer({ exp: Math.floor(Date.now() / 1000) - 3600 })],
    [
      'forged (signed with a key the issuer never published)',
      async () => `Bearer ${await issuer.token({ sub: 'alice' }, { key: 'unknown' })}`,
    ],
    ['for another audience', async () => bearer({ aud: 'https://other.example.com' })],
    ['not a JWT', async () => 'Bearer not-a-jwt'],
  ])('a token %s: 401 invalid_token', async (_what, authorization) => {
    const res = await request(server())
      .get('/api/me')
      .set('Authorization', await authorization())
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/)
    expect(res.body.error).toBe('invalid_token')
  })

  it('two Authorization headers (Node keeps them apart through c.env.incoming): 400 invalid_request', async () => {
    const token = await bearer()
    const res = await request(server())
      .get('/api/me')
      .set('Authorization', ['Basic YWxpY2U6c2VjcmV0', token] as unknown as string)
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"')
  })

  it('a path Node’s URL parser read differently from how it was sent (an encoded dot segment): 400', async () => {
    const app = apiWith(options(), (a) => {
      a.get('/api/admin', (c) => c.json({ admin: true }))
      a.get('/api/files/:id', (c) => c.json({ id: c.req.param('id') }))
    })
    const token = await bearer()
    const dots = await request(app).get('/api/me/%2e%2e/admin').set('Authorization', token)
    expect(dots.status).toBe(400)
    expect(dots.body.error).toBe('invalid_request')
    // an escape the runtime keeps as sent is not ambiguous: routed as Hono reads it
    const slash = await request(app).get('/api/files/a%2Fb').set('Authorization', token)
    expect(slash.body).toEqual({ id: 'a/b' })
    // a plain dot segment is resolved, and the route it names keeps its protection
    expect((await request(app).get('/api/x/../admin')).status).toBe(401)
  })

  it('works through app.request() too (no Node bindings: a Web Request only)', async () => {
    const app = new Hono()
    app.use('/api/*', bearerAuth(options()))
    app.get('/api/me', (c) => c.json({ subject: c.get('auth')?.subject }))
    const ok = await app.request('https://api.example.com/api/me', {
      headers: { authorization: await bearer() },
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ subject: 'alice' })
    const none = await app.request('https://api.example.com/api/me')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="api"/)
  })

  it('a token the guard verified before is decided at once (no second key fetch)', async () => {
    const guard = createGuard(options())
    const app = apiWith(guard, (a) => a.get('/api/me', (c) => c.json(c.get('auth')?.subject)))
    const token = await bearer()
    expect((await request(app).get('/api/me').set('Authorization', token)).status).toBe(200)
    issuer.resetCounts()
    issuer.fault('all', { type: 'status', status: 500 })
    expect((await request(app).get('/api/me').set('Authorization', token)).status).toBe(200)
    expect(issuer.requestCount('all')).toBe(0)
    await guard.close()
  })

  it('keeps the sync path sync: a token verified before goes on within the call', async () => {
    const guard = createGuard(options())
    const middleware = bearerAuth(guard)
    const wentOn: boolean[] = []
    const app = new Hono()
    app.use('/api/*', async (c, next) => {
      let called = false
      const pending = middleware(c, async () => {
        called = true
      })
      wentOn.push(called) // before anything was awaited
      await pending
      return next()
    })
    app.get('/api/me', (c) => c.json({ subject: c.get('auth')?.subject }))
    const token = await bearer()
    for (let i = 0; i < 2; i++) {
      const res = await request(listen(app)).get('/api/me').set('Authorization', token)
      expect(res.body).toEqual({ subject: 'alice' })
    }
    expect(wentOn).toEqual([false, true]) // the first verifies the signature, the second does not wait
    await guard.close()
  })

  it('optional: no token → c.get("auth") undefined; a requirement then answers 401', async () => {
    const app = apiWith({ ...options(), optional: true }, (a) => {
      a.get('/api/me', (c) => c.json({ auth: c.get('auth') ?? null }))
      a.get('/api/orders', requireScopes('orders:read'), (c) => c.json({ ok: true }))
    })
    expect((await request(app).get('/api/me')).body).toEqual({ auth: null })
    expect((await request(app).get('/api/orders')).status).toBe(401)
    expect((await request(app).get('/api/me').set('Authorization', 'Bearer a.b.c')).status).toBe(
      401,
    )
  })
})

describe('requirements', () => {
  const server = () =>
    apiWith({ ...options(), roleClaims: [['realm_access', 'roles']] }, (app) => {
      app.get('/api/orders', requireScopes('orders:read'), (c) => c.json({ ok: 'read' }))
      app.post('/api/orders', requireAnyScope('orders:write', 'admin'), (c) =>
        c.json({ ok: 'write' }, 201),
      )
      app.get('/api/admin', requireScopes('orders:read', 'admin'), (c) => c.json({ ok: true }))
      app.get('/api/roles', requireRoles('admin'), (c) => c.json({ ok: true }))
      app.get('/api/staff', requireAnyRole('admin', 'support'), (c) => c.json({ ok: true }))
      app.get('/api/acme', requireClaims({ tenant: 'acme' }), (c) => c.json({ ok: true }))
      app.get(
        '/api/checked',
        requireClaims((auth) => {
          if (auth.claims.boom === true) throw new Error('a bug in the predicate')
          return auth.claims.email_verified === true
        }),
        (c) => c.json({ ok: true }),
      )
      app.get('/api/mfa', requireStepUp({ acrValues: ['urn:example:mfa'] }), (c) =>
        c.json({ ok: true }),
      )
      app.get('/api/recent', requireStepUp({ maxAge: 60 }), (c) => c.json({ ok: true }))
    })

  it('scopes: 200 with the scope, 403 insufficient_scope with scope="…" without', async () => {
    const app = server()
    const reader = await bearer()
    expect((await request(app).get('/api/orders').set('Authorization', reader)).status).toBe(200)
    const denied = await request(app).post('/api/orders').set('Authorization', reader)
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_scope", .*scope="orders:write admin"/,
    )
    expect(denied.body).toEqual({
      error: 'insufficient_scope',
      error_description: expect.any(String),
    })
    const writer = await bearer({ scope: 'admin' })
    expect((await request(app).post('/api/orders').set('Authorization', writer)).status).toBe(201)
    const admin = await request(app).get('/api/admin').set('Authorization', reader)
    expect(admin.headers['www-authenticate']).toContain('scope="orders:read admin"')
  })

  it('roles and claims: 403 insufficient_scope without scope=', async () => {
    const app = server()
    const support = await bearer({ realm_access: { roles: ['support'] }, tenant: 'acme' })
    const status = async (path: string, token = support) =>
      (await request(app).get(path).set('Authorization', token)).status
    expect(await status('/api/staff')).toBe(200)
    expect(await status('/api/acme')).toBe(200)
    expect(await status('/api/roles')).toBe(403)
    expect(await status('/api/acme', await bearer({ tenant: 'other' }))).toBe(403)
    expect(await status('/api/checked', await bearer({ email_verified: true }))).toBe(200)
    const denied = await request(app).get('/api/roles').set('Authorization', support)
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
    expect(denied.headers['www-authenticate']).not.toMatch(/(^|[ ,])scope=/)
    const unchecked = await request(app).get('/api/checked').set('Authorization', support)
    expect(unchecked.status).toBe(403)
    expect(unchecked.headers['www-authenticate']).not.toMatch(/(^|[ ,])scope=/)
  })

  it('a predicate that throws (a bug) is Hono’s 500 (logged), never a 401 or 403', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const res = await request(server())
      .get('/api/checked')
      .set('Authorization', await bearer({ boom: true }))
    expect(res.status).toBe(500)
    expect(res.headers['www-authenticate']).toBeUndefined()
    expect(logged).toHaveBeenCalledWith(new Error('a bug in the predicate'))
    logged.mockRestore()
  })

  it('step-up (RFC 9470): 401 insufficient_user_authentication with acr_values / max_age', async () => {
    const app = server()
    const plain = await request(app)
      .get('/api/mfa')
      .set('Authorization', await bearer())
    expect(plain.status).toBe(401)
    expect(plain.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_user_authentication", .*acr_values="urn:example:mfa"/,
    )
    const mfa = await bearer({ acr: 'urn:example:mfa' })
    expect((await request(app).get('/api/mfa').set('Authorization', mfa)).status).toBe(200)
    const old = await bearer({ auth_time: Math.floor(Date.now() / 1000) - 600 })
    const stale = await request(app).get('/api/recent').set('Authorization', old)
    expect(stale.status).toBe(401)
    expect(stale.headers['www-authenticate']).toContain('max_age="60"')
    const fresh = await bearer({ auth_time: Math.floor(Date.now() / 1000) })
    expect((await request(app).get('/api/recent').set('Authorization', fresh)).status).toBe(200)
  })

  it('a requirement on a route bearerAuth() does not cover is a 500, never an open door', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const app = new Hono()
    app.get('/orders', requireScopes('orders:read'), (c) => c.json({ ok: true }))
    const res = await request(listen(app))
      .get('/orders')
      .set('Authorization', await bearer())
    expect(res.status).toBe(500)
    expect(logged).toHaveBeenCalledWith(
      new Error('bearerguard: requireScopes() needs bearerAuth() earlier on the route'),
    )
    logged.mockRestore()
  })

  it('works across sub-apps mounted with app.route()', async () => {
    const api = new Hono()
    api.get('/orders', requireScopes('orders:read'), (c) => c.json({ sub: c.get('auth')?.subject }))
    const app = new Hono()
    app.use('/api/*', bearerAuth(options()))
    app.route('/api', api)
    const res = await request(listen(app))
      .get('/api/orders')
      .set('Authorization', await bearer())
    expect(res.body).toEqual({ sub: 'alice' })
    expect((await request(listen(app)).get('/api/orders')).status).toBe(401)
  })
})

describe('token methods and response headers', () => {
  it('a form-body token (RFC 6750 §2.2) when the guard accepts it; the handler still reads the body', async () => {
    const app = apiWith({ ...options(), bearerMethods: ['header', 'body'] }, (a) => {
      a.post('/api/me', async (c) => {
        const form = await c.req.parseBody()
        return c.json({
          subject: c.get('auth')?.subject,
          source: c.get('auth')?.tokenSource,
          note: form.note,
        })
      })
    })
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(app)
      .post('/api/me')
      .type('form')
      .send({ access_token: token, note: 'hi' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'bob', source: 'body', note: 'hi' })
  })

  it('a form-body token when the guard does not accept it (the default): 400 invalid_request', async () => {
    const app = apiWith(options(), (a) => a.post('/api/me', (c) => c.json({ ok: true })))
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(app).post('/api/me').type('form').send({ access_token: token })
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"')
  })

  it('a form body over 1 MiB is not read before authenticating; the handler still reads it', async () => {
    const app = apiWith({ ...options(), bearerMethods: ['header', 'body'] }, (a) =>
      a.post('/api/me', async (c) => {
        const form = await c.req.parseBody()
        return c.json({ subject: c.get('auth')?.subject ?? null, size: String(form.pad).length })
      }),
    )
    const token = await issuer.token({ sub: 'bob' })
    const pad = 'x'.repeat(1024 * 1024)
    // the body token is not looked at: no token at all, so 401 before the handler
    const unread = await request(app)
      .post('/api/me')
      .type('form')
      .send({ access_token: token, pad })
    expect(unread.status).toBe(401)
    // with the header token, the handler gets the whole body
    const res = await request(app)
      .post('/api/me')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ pad })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'bob', size: pad.length })
  })

  it('a form field named __proto__ is a field like any other', async () => {
    const app = apiWith({ ...options(), bearerMethods: ['header', 'body'] }, (a) =>
      a.post('/api/me', (c) => c.json({ subject: c.get('auth')?.subject })),
    )
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(app)
      .post('/api/me')
      .type('form')
      .send(`__proto__=a&__proto__=b&access_token=${token}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'bob' })
  })

  it('a JSON body is not read: the handler gets it whole', async () => {
    const app = apiWith(options(), (a) =>
      a.post('/api/me', async (c) => c.json({ got: await c.req.json() })),
    )
    const res = await request(app)
      .post('/api/me')
      .set('Authorization', await bearer())
      .send({ access_token: 'not looked at' })
    expect(res.body).toEqual({ got: { access_token: 'not looked at' } })
  })

  it('Cache-Control: private for a query token, also on a Response the handler made itself', async () => {
    const app = apiWith({ ...options(), bearerMethods: ['query'] }, (a) => {
      a.get('/api/me', (c) => c.json({ ok: true }))
      a.get('/api/raw', () => new Response('raw'))
    })
    const token = await issuer.token({ sub: 'bob' })
    const json = await request(app).get(`/api/me?access_token=${token}`)
    expect(json.status).toBe(200)
    expect(json.headers['cache-control']).toBe('private')
    const raw = await request(app).get(`/api/raw?access_token=${token}`)
    expect(raw.text).toBe('raw')
    expect(raw.headers['cache-control']).toBe('private')
  })
})

describe('DPoP (RFC 9449): the URL Hono sees', () => {
  it('htu is checked against c.req.url: the Host the request names, no X-Forwarded-*', async () => {
    const key = await createDpopKey('ES256')
    const token = await issuer.token({ sub: 'carol', cnf: { jkt: key.jkt } })
    const app = apiWith(options(), (a) => a.get('/api/me', (c) => c.json(c.get('auth'))))
    const send = (url: string) =>
      request(app)
        .get('/api/me')
        .set('Host', 'api.example.test')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token }))
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'api.example.com')
    const ok = await send('http://api.example.test/api/me')
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ scheme: 'DPoP', subject: 'carol' })
    const forwarded = await send('https://api.example.com/api/me')
    expect(forwarded.status).toBe(401)
    expect(forwarded.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/)
  })

  it('behind a proxy, a fetch wrapper that hands Hono the public URL makes it the htu', async () => {
    const key = await createDpopKey('ES256')
    const token = await issuer.token({ sub: 'carol', cnf: { jkt: key.jkt } })
    const app = new Hono()
    app.use('/api/*', bearerAuth(options()))
    app.get('/api/me', (c) => c.json({ url: c.req.url, subject: c.get('auth')?.subject }))
    // what a deployment behind a TLS-terminating proxy it trusts would do
    const publicUrl = (req: Request) => {
      const { protocol, host, pathname, search } = new URL(req.url)
      const scheme = req.headers.get('x-forwarded-proto') ?? protocol.slice(0, -1)
      const authority = req.headers.get('x-forwarded-host') ?? host
      return new Request(`${scheme}://${authority}${pathname}${search}`, req)
    }
    const listener = getRequestListener((req, env) =>
      app.fetch(publicUrl(req), env),
    ) as RequestListener
    const url = 'https://api.example.com/api/me'
    const res = await request(listener)
      .get('/api/me')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token }))
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ url, subject: 'carol' })
  })

  it('nonces: 401 use_dpop_nonce with DPoP-Nonce, then 200 carrying a DPoP-Nonce', async () => {
    const key = await createDpopKey('ES256')
    const token = await issuer.token({ sub: 'carol', cnf: { jkt: key.jkt } })
    const guard = createGuard({ ...options(), dpop: { nonce: { secret: 's'.repeat(32) } } })
    const app = apiWith(guard, (a) => a.get('/api/me', (c) => c.json({ ok: true })))
    const url = 'http://api.example.test/api/me'
    const send = (nonce?: string) =>
      request(app)
        .get('/api/me')
        .set('Host', 'api.example.test')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token, nonce }))
    const first = await send()
    expect(first.status).toBe(401)
    expect(first.body.error).toBe('use_dpop_nonce')
    const nonce = first.headers['dpop-nonce'] as string
    expect(nonce).toBeTruthy()
    const second = await send(nonce)
    expect(second.status).toBe(200)
    expect(second.headers['dpop-nonce']).toBe(nonce)
    await guard.close()
  })
})

describe('introspection and outages', () => {
  it('an opaque token is introspected once, then answered from the cache', async () => {
    const guard = createGuard({
      ...options(),
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    })
    const app = apiWith(guard, (a) =>
      a.get('/api/orders', requireScopes('orders:read'), (c) =>
        c.json({ subject: c.get('auth')?.subject, format: c.get('auth')?.format }),
      ),
    )
    const opaque = await issuer.opaqueToken({ sub: 'dave', scope: 'orders:read' })
    issuer.resetCounts()
    for (let i = 0; i < 3; i++) {
      const res = await request(app).get('/api/orders').set('Authorization', `Bearer ${opaque}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ subject: 'dave', format: 'opaque' })
    }
    expect(issuer.requestCount('introspection')).toBe(1)
    const inactive = await request(app)
      .get('/api/orders')
      .set('Authorization', 'Bearer unknown-opaque')
    expect(inactive.status).toBe(401)
    expect(inactive.headers['www-authenticate']).toContain('error="invalid_token"')
    await guard.close()
  })

  it('JWKS unreachable: 503 with Retry-After and no invalid_token, never 401', async () => {
    const app = apiWith(options(), (a) => a.get('/api/me', (c) => c.json({ ok: true })))
    issuer.fault('all', { type: 'status', status: 500 })
    const res = await request(app)
      .get('/api/me')
      .set('Authorization', await bearer())
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toMatch(/^\d+$/)
    expect(res.headers['www-authenticate'] ?? '').not.toContain('invalid_token')
    expect(res.body.error).toBe('temporarily_unavailable')
  })
})

describe('configuration errors fail at start-up', () => {
  it('bad guard options: GuardOptionError naming the option', () => {
    expect(() => bearerAuth({ issuer: issuer.url } as never)).toThrow(GuardOptionError)
    expect(() => bearerAuth({ issuer: issuer.url } as never)).toThrow(/audience/)
    expect(() => bearerAuth({ ...options(), clockTolerance: -1 })).toThrow(GuardOptionError)
  })

  it('malformed requirements: a TypeError naming the middleware', () => {
    expect(() => requireScopes()).toThrow('bearerguard: requireScopes() needs at least one scope')
    expect(() => requireScopes('a b')).toThrow('invalid scope "a b"')
    expect(() => requireStepUp({})).toThrow('needs acrValues, maxAge or both')
    expect(() => requireRoles()).toThrow('needs at least one role')
  })

  it('AuthError is the core class (re-exported)', () => {
    expect(new Hono()).toBeDefined()
    expect(AuthError.name).toBe('AuthError')
  })
})
