/** What the guard sees: the URL under app.proxy, a form body token, a query token. */
import type { RequestLike } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIENCE, koaVersions, makeApp } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(koaVersions)('the request handed to the guard on %s', (_name, Koa) => {
  const seenBy = (proxy: boolean) => {
    const seen: RequestLike[] = []
    const { app } = makeApp(
      Koa,
      {
        issuer: issuer.url,
        audience: AUDIENCE,
        onAuthenticated: (_auth, req) => {
          seen.push(req)
        },
      },
      { proxy },
    )
    return { server: app.callback(), seen }
  }

  it('app.proxy = true: X-Forwarded-Proto and X-Forwarded-Host make the URL', async () => {
    const { server, seen } = seenBy(true)
    const token = await issuer.token({})
    const res = await request(server)
      .get('/api/me?page=2')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
    expect(res.status).toBe(200)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.url).toBe('https://api.example.com/api/me?page=2')
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.headers.authorization).toBe('[redacted]')
  })

  it('app.proxy = false: forwarded headers are ignored', async () => {
    const { server, seen } = seenBy(false)
    const token = await issuer.token({})
    const res = await request(server)
      .get('/api/me?page=2')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
    expect(res.status).toBe(200)
    expect(seen[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/me\?page=2$/)
  })

  it('a form body token works with bearerMethods: [body] and @koa/bodyparser', async () => {
    const { app } = makeApp(Koa, {
      issuer: issuer.url,
      audience: AUDIENCE,
      bearerMethods: ['body'],
    })
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(app.callback())
      .post('/api/me')
      .type('form')
      .send({ access_token: token, other: '1' })
    expect(res.status).toBe(200)
    expect(res.body.auth.subject).toBe('bob')
    expect(res.body.auth.tokenSource).toBe('body')
    expect(res.headers['cache-control']).toBeUndefined()
  })

  it('a body token is refused when the body method is not enabled', async () => {
    const { app } = makeApp(Koa, { issuer: issuer.url, audience: AUDIENCE })
    const res = await request(app.callback())
      .post('/api/me')
      .type('form')
      .send({ access_token: await issuer.token({}) })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_request')
  })

  it('a query token, when enabled, works and makes the answer Cache-Control: private', async () => {
    const { app } = makeApp(Koa, {
      issuer: issuer.url,
      audience: AUDIENCE,
      bearerMethods: ['header', 'query'],
    })
    const token = await issuer.token({ scope: 'orders:read' })
    const res = await request(app.callback()).get(`/api/orders?access_token=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('private')
    const header = await request(app.callback())
      .get('/api/orders')
      .set('Authorization', `Bearer ${token}`)
    expect(header.status).toBe(200)
    expect(header.headers['cache-control']).toBeUndefined()
  })
})
