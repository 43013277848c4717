import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIENCE, koaVersions, makeApp } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(koaVersions)('bearerAuth on %s', (_name, Koa) => {
  const server = (options = {}) =>
    makeApp(Koa, { issuer: issuer.url, audience: AUDIENCE, ...options }).app.callback()

  it('200 and ctx.state.auth holding the AuthInfo for a valid token with the route scope', async () => {
    const token = await issuer.token({ sub: 'alice', client_id: 'web', scope: 'orders:read x' })
    const orders = await request(server())
      .get('/api/orders')
      .set('Authorization', `Bearer ${token}`)
    expect(orders.status).toBe(200)
    expect(orders.body).toEqual({ subject: 'alice', scopes: ['orders:read', 'x'] })

    const me = await request(server()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(me.status).toBe(200)
    expect(me.body.auth).toMatchObject({
      token,
      scheme: 'Bearer',
      format: 'jwt',
      tokenSource: 'header',
      issuer: issuer.url,
      subject: 'alice',
      clientId: 'web',
      audience: [AUDIENCE],
      scopes: ['orders:read', 'x'],
    })
    expect(me.body.auth.claims.sub).toBe('alice')
    expect(me.headers['cache-control']).toBeUndefined()
  })

  it('401 with a bare challenge and a JSON body when there is no token', async () => {
    const res = await request(server()).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body).toEqual({
      error: 'unauthorized',
      error_description: 'Authentication required',
    })
  })

  it('401 with a bare challenge for another scheme (Basic)', async () => {
    const res = await request(server()).get('/api/me').set('Authorization', 'Basic dXNlcjpwYXNz')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })

  it('403 insufficient_scope naming the required scope', async () => {
    const token = await issuer.token({ scope: 'profile' })
    const res = await request(server()).get('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="Insufficient scope", scope="orders:read"',
    )
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'Insufficient scope',
    })
  })

  it('all-of: every listed scope is needed', async () => {
    const token = await issuer.token({ scope: 'orders:read' })
    const res = await request(server()).get('/api/admin').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('scope="orders:read admin"')
    const both = await issuer.token({ scope: 'admin orders:read' })
    const ok = await request(server()).get('/api/admin').set('Authorization', `Bearer ${both}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ admin: true })
  })

  it('any-of: one listed scope is enough, none is a 403', async () => {
    const admin = await issuer.token({ scope: 'admin' })
    const res = await request(server()).post('/api/orders').set('Authorization', `Bearer ${admin}`)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ created: true })
    const none = await issuer.token({ scope: 'profile' })
    const denied = await request(server())
      .post('/api/orders')
      .set('Authorization', `Bearer ${none}`)
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toContain('scope="orders:write admin"')
  })

  it('401 invalid_token with a JSON { error, error_description } body for a bad token', async () => {
    const token = await issuer.token({}, { key: 'unknown' })
    const res = await request(server()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer error="invalid_token", error_description="[^"]+"${ADVERTISED_DPOP}$`),
    )
    expect(res.body.error).toBe('invalid_token')
    expect(typeof res.body.error_description).toBe('string')
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description'])
  })

  it('an expired token: 401 invalid_token "Token has expired"', async () => {
    const token = await issuer.token({ exp: Math.floor(Date.now() / 1000) - 3600 })
    const res = await request(server()).get('/api/me').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Token has expired' })
  })

  it('errorDescriptions: false hides descriptions in header and body', async () => {
    const token = await issuer.token({ aud: 'https://other.example.com' })
    const res = await request(server({ errorDescriptions: false }))
      .get('/api/me')
      .set('Authorization', `Bearer ${token}`)
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token"${ADVERTISED_DPOP}`)
    expect(res.body).toEqual({ error: 'invalid_token' })
  })

  it('optional: anonymous requests pass with no ctx.state.auth; invalid tokens are still rejected', async () => {
    const anon = await request(server({ optional: true })).get('/api/me')
    expect(anon.status).toBe(200)
    expect(anon.body).toEqual({ auth: null })
    const bad = await request(server({ optional: true }))
      .get('/api/me')
      .set('Authorization', 'Bearer not-a-jwt')
    expect(bad.status).toBe(401)
    expect(bad.body.error).toBe('invalid_token')
  })

  it('optional: a scoped route still answers 401 to an anonymous caller', async () => {
    const res = await request(server({ optional: true })).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })

  it('a HEAD request is rejected with the status and challenge, no body', async () => {
    const res = await request(server()).head('/api/me')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
    expect(res.text ?? '').toBe('')
  })

  it('routes outside the protected router are untouched', async () => {
    const res = await request(server()).get('/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true })
  })
})
