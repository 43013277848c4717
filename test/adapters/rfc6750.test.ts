/** RFC 6750 rows of STANDARDS.md, each through the Express adapter against a real issuer. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(ALL_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  let token: string
  let app: App
  let allMethods: App
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    app = makeApp({ issuer: issuer.url, audience: AUDIENCE })
    allMethods = makeApp({
      issuer: issuer.url,
      audience: AUDIENCE,
      bearerMethods: ['header', 'body', 'query'],
    })
  })
  afterAll(() => issuer.close())

  async function expectInvalidRequest(res: request.Response) {
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/)
  }

  describe('RFC 6750 §2.1 — Authorization request header', () => {
    it('the header is supported', async () => {
      expect(
        (await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status,
      ).toBe(200)
    })
    it('the scheme is case-insensitive: bearer', async () => {
      expect(
        (await request(app).get('/api/me').set('Authorization', `bearer ${token}`)).status,
      ).toBe(200)
    })
    it('the scheme is case-insensitive: BEARER', async () => {
      expect(
        (await request(app).get('/api/me').set('Authorization', `BEARER ${token}`)).status,
      ).toBe(200)
    })
    it('several spaces after the scheme are accepted', async () => {
      expect(
        (await request(app).get('/api/me').set('Authorization', `Bearer    ${token}`)).status,
      ).toBe(200)
    })
    it('a tab after the scheme → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(app).get('/api/me').set('Authorization', `Bearer\t${token}`),
      )
    })
    it('an empty token → 400 invalid_request', async () => {
      await expectInvalidRequest(await request(app).get('/api/me').set('Authorization', 'Bearer'))
    })
    it('a comma in the token → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(app).get('/api/me').set('Authorization', `Bearer ${token},x`),
      )
    })
    it('quotes around the token → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(app).get('/api/me').set('Authorization', `Bearer "${token}"`),
      )
    })
    it('a space inside the token → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(app).get('/api/me').set('Authorization', `Bearer ${token} x`),
      )
    })
  })

  describe('RFC 6750 §2.2 — form-encoded body parameter', () => {
    it('off by default: a body token → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(app).post('/api/me').type('form').send({ access_token: token }),
      )
    })
    it('when enabled, accepted in an application/x-www-form-urlencoded POST', async () => {
      const res = await request(allMethods)
        .post('/api/me')
        .type('form')
        .send({ access_token: token })
      expect(res.status).toBe(200)
    })
    it('a JSON body is not a token method: no credentials → 401', async () => {
      const res = await request(allMethods).post('/api/me').send({ access_token: token })
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).not.toContain('error=')
    })
  })

  describe('RFC 6750 §2.3 — URI query parameter', () => {
    it('off by default (OAuth 2.1, MCP): a query token → 400 invalid_request', async () => {
      await expectInvalidRequest(await request(app).get(`/api/me?access_token=${token}`))
    })
    it('when enabled, accepted, with Cache-Control: private on the answer', async () => {
      const res = await request(allMethods).get(`/api/me?access_token=${token}`)
      expect(res.status).toBe(200)
      expect(res.headers['cache-control']).toBe('private')
    })
  })

  describe('RFC 6750 §2 — more than one method', () => {
    it('header and query → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(allMethods)
          .get(`/api/me?access_token=${token}`)
          .set('Authorization', `Bearer ${token}`),
      )
    })
    it('header and body → 400 invalid_request', async () => {
      await expectInvalidRequest(
        await request(allMethods)
          .post('/api/me')
          .type('form')
          .send({ access_token: token })
          .set('Authorization', `Bearer ${token}`),
      )
    })
  })

  describe('RFC 6750 §3 — the WWW-Authenticate response header', () => {
    it('present on 401, with at least one auth-param', async () => {
      const res = await request(app).get('/api/me')
      expect(res.headers['www-authenticate']).toMatch(/^Bearer [a-z_]+="[^"]*"/)
    })
    it('present on 403', async () => {
      const t = await issuer.token({ scope: 'none' })
      const res = await request(app).get('/api/orders').set('Authorization', `Bearer ${t}`)
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /)
    })
    it('no parameter is repeated', async () => {
      const res = await request(app).get('/api/me').set('Authorization', 'Bearer x.y.z')
      const names = [...String(res.headers['www-authenticate']).matchAll(/([a-z_]+)="/g)].map(
        (m) => m[1],
      )
      expect(new Set(names).size).toBe(names.length)
    })
    it('error_description holds only RFC 6750 characters', async () => {
      const res = await request(app).get('/api/me').set('Authorization', 'Bearer x.y.z')
      const description = /error_description="([^"]*)"/.exec(
        String(res.headers['www-authenticate']),
      )?.[1]
      expect(description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/)
    })
  })

  describe('RFC 6750 §3.1 — no credentials', () => {
    it('no Authorization header → 401 without error information', async () => {
      const res = await request(app).get('/api/me')
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).not.toMatch(/error/)
    })
    it('an unsupported scheme → 401 without error information', async () => {
      const res = await request(app).get('/api/me').set('Authorization', 'Digest username="a"')
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).not.toMatch(/error/)
    })
  })
})
