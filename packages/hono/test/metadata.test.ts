import { createGuard, DEFAULT_DPOP_ALGORITHMS } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { Hono } from 'hono'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, protectedResourceMetadata, requireScopes } from '../src/index.js'
import { AUDIENCE, listen } from './app.js'

const WK = '/.well-known/oauth-protected-resource'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe('protectedResourceMetadata', () => {
  it('serves RFC 9728 at the well-known path; challenges point at it', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, resourceMetadata: true })
    const app = new Hono()
    app.use(protectedResourceMetadata(guard, { scopes: ['orders:read', 'orders:write'] }))
    app.use('/api/*', bearerAuth(guard))
    app.get('/api/orders', requireScopes('orders:read'), (c) => c.json({ ok: true }))
    const server = listen(app)

    const res = await request(server).get(WK)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.body).toEqual({
      resource: AUDIENCE,
      authorization_servers: [issuer.url],
      bearer_methods_supported: ['header'],
      scopes_supported: ['orders:read', 'orders:write'],
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: [...DEFAULT_DPOP_ALGORITHMS],
      dpop_bound_access_tokens_required: false,
    })
    const head = await request(server).head(WK)
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(res.headers['content-length'])
    expect((await request(server).options(WK)).status).toBe(204)
    const post = await request(server).post(WK)
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS')

    const challenge = (await request(server).get('/api/orders')).headers['www-authenticate']
    expect(challenge).toContain(`resource_metadata="${AUDIENCE}${WK}"`)
    await guard.close()
  })

  it('the path-suffixed document for a resource with a path; maxAge; other paths go on', async () => {
    const app = new Hono()
    app.use(
      protectedResourceMetadata(
        { issuer: issuer.url, audience: 'https://api.example.com/v1' },
        { maxAge: 60 },
      ),
    )
    app.get('/hello', (c) => c.text('hello'))
    const server = listen(app)
    const doc = await request(server).get(`${WK}/v1`)
    expect(doc.status).toBe(200)
    expect(doc.body.resource).toBe('https://api.example.com/v1')
    expect(doc.headers['cache-control']).toBe('public, max-age=60')
    expect((await request(server).get('/hello')).text).toBe('hello')
    expect((await request(server).get(`${WK}/v2`)).status).toBe(404)
  })

  it('fails at start-up without resourceMetadata, or with bad options', () => {
    const plain = createGuard({ issuer: issuer.url, audience: AUDIENCE })
    expect(() => protectedResourceMetadata(plain)).toThrow(
      'needs a guard created with the "resourceMetadata" option',
    )
    expect(() =>
      protectedResourceMetadata({ issuer: issuer.url, audience: AUDIENCE }, { maxAge: -1 }),
    ).toThrow('maxAge')
  })
})
