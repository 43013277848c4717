import type { AuthError, AuthInfo } from '@bearerguard/core'
import type { NextFunction, Request, Response } from 'express'
import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import { createGuard, InsufficientScopeError } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, requireScopes } from '../src/index.js'
import { AUDIENCE, expressVersions, makeApp } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(expressVersions)('bearerAuth on %s', (_name, express) => {
  const app = () => makeApp(express, { issuer: issuer.url, audience: AUDIENCE })

  it('200 and req.auth for a valid token with the route scope', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read profile' })
    const res = await request(app()).get('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'alice', scopes: ['orders:read', 'profile'] })
  })

  it('req.auth has the AuthInfo shape of the contract', async () => {
    const token = await issuer.token({
      sub: 'alice',
      scp: ['a', 'b'],
      client_id: undefined,
      azp: 'web-app',
    })
    const res = await request(app()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      token,
      scheme: 'Bearer',
      format: 'jwt',
      tokenSource: 'header',
      issuer: issuer.url,
      subject: 'alice',
      clientId: 'web-app',
      audience: [AUDIENCE],
      scopes: ['a', 'b'],
    })
    expect(typeof res.body.expiresAt).toBe('number')
    expect(res.body.claims.sub).toBe('alice')
  })

  it('clientId comes from client_id before azp', async () => {
    const token = await issuer.token({ client_id: 'svc', azp: 'other' })
    const res = await request(app()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.body.clientId).toBe('svc')
  })

  it('a DPoP-bound token (cnf.jkt) sent as Bearer is refused (RFC 9449 §7.2)', async () => {
    const token = await issuer.token({ client_id: 'svc', cnf: { jkt: 'thumb' } })
    const res = await request(app()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/)
  })

  it('401 with a bare challenge when there is no token', async () => {
    const res = await request(app()).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })

  it('401 with a bare challenge for another scheme (Basic)', async () => {
    const res = await request(app()).get('/api/orders').set('Authorization', 'Basic dXNlcjpwYXNz')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).not.toContain('error=')
  })

  it('403 insufficient_scope naming the required scope', async () => {
    const token = await issuer.token({ scope: 'profile' })
    const res = await request(app()).get('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="Insufficient scope", scope="orders:read"',
    )
  })

  it('all-of: every listed scope is needed', async () => {
    const token = await issuer.token({ scope: 'orders:read' })
    const res = await request(app()).get('/api/admin').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('scope="orders:read admin"')
  })

  it('any-of: one listed scope is enough', async () => {
    const token = await issuer.token({ scope: 'admin' })
    const res = await request(app()).post('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(201)
    const none = await issuer.token({ scope: 'profile' })
    const denied = await request(app()).post('/api/orders').set('Authorization', `Bearer ${none}`)
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toContain('scope="orders:write admin"')
  })

  it('401 invalid_token for a bad token, through the default error handler', async () => {
    const token = await issuer.token({}, { key: 'unknown' })
    const res = await request(app()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer error="invalid_token", error_description="[^"]+"${ADVERTISED_DPOP}$`),
    )
    expect(res.text).not.toMatch(/at .*\.ts|node_modules|\/work\//)
  })

  it('a user error handler receives the AuthError', async () => {
    const seen: unknown[] = []
    const a = makeApp(
      express,
      { issuer: issuer.url, audience: AUDIENCE },
      {
        errorHandler: (err, _req, res, _next) => {
          seen.push(err)
          res.status((err as AuthError).status).json({ mine: true })
        },
      },
    )
    const token = await issuer.token({ scope: 'x' })
    const res = await request(a).get('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ mine: true })
    expect(seen[0]).toBeInstanceOf(InsufficientScopeError)
  })

  it('authErrorHandler() answers with the RFC 6750 JSON body', async () => {
    const a = makeApp(express, { issuer: issuer.url, audience: AUDIENCE }, { jsonErrors: true })
    const token = await issuer.token({ exp: Math.floor(Date.now() / 1000) - 3600 })
    const res = await request(a).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Token has expired' })
  })

  it('errorDescriptions: false hides descriptions', async () => {
    const a = makeApp(
      express,
      { issuer: issuer.url, audience: AUDIENCE, errorDescriptions: false },
      { jsonErrors: true },
    )
    const token = await issuer.token({ aud: 'https://other.example.com' })
    const res = await request(a).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token"${ADVERTISED_DPOP}`)
    expect(res.body).toEqual({ error: 'invalid_token' })
  })

  it('realm appears in every challenge', async () => {
    const a = makeApp(express, { issuer: issuer.url, audience: AUDIENCE, realm: 'orders' })
    expect((await request(a).get('/api/me')).headers['www-authenticate']).toBe(
      `Bearer realm="orders"${ADVERTISED_DPOP}`,
    )
    const bad = await request(a).get('/api/me').set('Authorization', 'Bearer x')
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/)
  })

  it('optional: anonymous requests pass with no req.auth; invalid tokens are still rejected', async () => {
    const a = makeApp(express, { issuer: issuer.url, audience: AUDIENCE, optional: true })
    const anon = await request(a).get('/api/me')
    expect(anon.status).toBe(200)
    expect(anon.body).toBeNull()
    const bad = await request(a).get('/api/me').set('Authorization', 'Bearer not-a-jwt')
    expect(bad.status).toBe(401)
  })

  it('optional: a scoped route still answers 401 to an anonymous caller', async () => {
    const a = makeApp(express, { issuer: issuer.url, audience: AUDIENCE, optional: true })
    const res = await request(a).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })

  it('a query token, when enabled, works and makes the answer Cache-Control: private', async () => {
    const a = makeApp(express, {
      issuer: issuer.url,
      audience: AUDIENCE,
      bearerMethods: ['header', 'query'],
    })
    const token = await issuer.token({ scope: 'orders:read' })
    const res = await request(a).get(`/api/orders?access_token=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('private')
  })

  it('a form body token, when enabled, works', async () => {
    const a = makeApp(express, { issuer: issuer.url, audience: AUDIENCE, bearerMethods: ['body'] })
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(a)
      .post('/api/me')
      .type('form')
      .send({ access_token: token, other: '1' })
    expect(res.status).toBe(200)
    expect(res.body.subject).toBe('bob')
    expect(res.body.tokenSource).toBe('body')
  })

  it('unprotected routes outside the mount are untouched', async () => {
    expect((await request(app()).get('/health')).status).toBe(200)
  })

  it('requireScopes without bearerAuth fails loudly (500), not open', async () => {
    const a = express()
    a.set('env', 'production')
    a.get('/x', requireScopes('a'), (_req, res) => {
      res.send('open')
    })
    const res = await request(a).get('/x')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('open')
  })

  it('one guard can be shared by several bearerAuth() mounts', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
    const a = express()
    a.use('/a', bearerAuth(guard), (req, res) => {
      res.json(req.auth?.subject)
    })
    a.use('/b', bearerAuth(guard), (req, res) => {
      res.json(req.auth?.subject)
    })
    const token = await issuer.token({ sub: 'carol' })
    expect((await request(a).get('/a').set('Authorization', `Bearer ${token}`)).body).toBe('carol')
    expect((await request(a).get('/b').set('Authorization', `Bearer ${token}`)).body).toBe('carol')
  })
})

describe('hooks', () => {
  it('onAuthenticated and onRejected see the outcome but never the token outside auth.token', async () => {
    const seen: string[] = []
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      onAuthenticated: (auth, req) => {
        seen.push(JSON.stringify({ sub: auth.subject, req }))
      },
      onRejected: (error, req) => {
        seen.push(JSON.stringify({ error: error.code, message: error.message, req }))
      },
    })
    const good = await issuer.token({ sub: 'dave' })
    const expired = await issuer.token({ sub: 'dave', exp: 1 })
    const app = makeApp(expressVersions[0][1], guard)
    await request(app).get('/api/me').set('Authorization', `Bearer ${good}`)
    await request(app).get('/api/me').set('Authorization', `Bearer ${expired}`)
    expect(seen).toHaveLength(2)
    for (const entry of seen) {
      expect(entry).not.toContain(good)
      expect(entry).not.toContain(expired)
      expect(entry).not.toContain(good.split('.')[2])
    }
    expect(seen[0]).toContain('"sub":"dave"')
    expect(seen[1]).toContain('invalid_token')
  })

  it('a throwing or rejecting hook does not change the answer', async () => {
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      onAuthenticated: () => {
        throw new Error('hook broke')
      },
      onRejected: async () => {
        throw new Error('hook broke')
      },
    })
    const app = makeApp(expressVersions[0][1], guard)
    const token = await issuer.token({ scope: 'orders:read' })
    expect(
      (await request(app).get('/api/orders').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(200)
    expect((await request(app).get('/api/orders')).status).toBe(401)
  })
})

describe.each(expressVersions)('req.auth on %s', (_name, express) => {
  const guardOptions = () => ({ issuer: issuer.url, audience: AUDIENCE, optional: true })

  it('reaches handlers of a mounted sub-app, and any middleware can still set and read it', async () => {
    const app = express()
    const api = express()
    api.get('/me', (req: Request, res: Response) => res.json({ auth: req.auth ?? null }))
    app.use(bearerAuth(guardOptions()))
    app.use('/api', api)
    app.get('/other', (req: Request, res: Response) => {
      // another library setting req.auth, as express-jwt does
      req.auth = { custom: true } as unknown as AuthInfo
      res.json({ auth: req.auth })
    })
    const token = await issuer.token({ sub: 'alice' })
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(me.body.auth).toMatchObject({ subject: 'alice' })
    expect((await request(app).get('/api/me')).body).toEqual({ auth: null }) // anonymous
    expect((await request(app).get('/other')).body).toEqual({ auth: { custom: true } })
  })

  it('requirement checks find the guard of a request whose req.auth was replaced by a copy', async () => {
    const app = express()
    app.use(bearerAuth(guardOptions()))
    app.use((req: Request, _res: Response, next: NextFunction) => {
      if (req.auth) req.auth = { ...req.auth, enriched: true } as AuthInfo
      next()
    })
    app.get('/orders', requireScopes('orders:read'), (_req: Request, res: Response) =>
      res.json({ ok: true }),
    )
    const reader = await issuer.token({ scope: 'orders:read' })
    expect(
      (await request(app).get('/orders').set('Authorization', `Bearer ${reader}`)).status,
    ).toBe(200)
    const other = await issuer.token({ scope: 'profile' })
    const refused = await request(app).get('/orders').set('Authorization', `Bearer ${other}`)
    expect(refused.status).toBe(403)
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"')
  })
})

describe('a bug is not an answer about the token', () => {
  it('an exception that is not an AuthError reaches Express as a 500, never a 401', async () => {
    const buggy = {
      check: () => {
        throw new TypeError('a bug in a custom guard')
      },
      authenticate: async () => undefined,
      authorize: () => undefined,
    } as unknown as Parameters<typeof bearerAuth>[0]
    const express = expressVersions[0][1]
    const app = express()
    app.get('/x', bearerAuth(buggy), (_req: Request, res: Response) => res.json({ ok: true }))
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ caught: error.message })
    })
    const res = await request(app).get('/x').set('Authorization', 'Bearer abc')
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ caught: 'a bug in a custom guard' })
  })
})
