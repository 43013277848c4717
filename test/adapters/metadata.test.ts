/**
 * RFC 9728 rows of STANDARDS.md through every adapter: the metadata document at its well-known
 * paths (bare and path-suffixed), its headers, HEAD, CORS preflight, other methods, and the
 * round trip a client makes: challenge → resource_metadata → document whose resource is the
 * identifier it used (§3.3).
 */
import { DEFAULT_DPOP_ALGORITHMS } from '@bearerguard/core'
import type { GuardOptions } from '@bearerguard/core'
import { RequireAnyScope, RequireScopes, Public } from '@bearerguard/express'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ADAPTERS, AUDIENCE } from './harness.js'

const WK = '/.well-known/oauth-protected-resource'

@RequireScopes('orders:read')
class OrdersController {
  list() {}
  @RequireAnyScope('orders:write', 'admin') create() {}
  @Public() health() {}
}

describe.each(ALL_ADAPTERS)('RFC 9728 metadata on %s', (adapter, makeApp) => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterAll(() => issuer.close())

  const appWith = (options: Partial<GuardOptions>, metadata?: Parameters<typeof makeApp>[1]) =>
    makeApp({ issuer: issuer.url, audience: AUDIENCE, ...options }, metadata)

  it('serves the document at the well-known path, with JSON, caching and CORS headers', async () => {
    const res = await request(appWith({ resourceMetadata: true })).get(WK)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.body).toEqual({
      resource: AUDIENCE,
      authorization_servers: [issuer.url],
      bearer_methods_supported: ['header'],
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: [...DEFAULT_DPOP_ALGORITHMS],
      dpop_bound_access_tokens_required: false,
      // Fastify's plugin lists the scopes its routes declare in their config
      ...(adapter === 'Fastify 5' && {
        scopes_supported: ['admin', 'orders:read', 'orders:write'],
      }),
    })
  })

  it('a client follows resource_metadata from the challenge to a document about the resource it used (§3.3)', async () => {
    const resource = 'https://api.example.com/v1'
    const app = appWith({ resource, resourceMetadata: true })
    const challenge = (await request(app).get('/api/me')).headers['www-authenticate'] as string
    const url = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] as string
    expect(url).toBe(`https://api.example.com${WK}/v1`)
    const doc = await request(app).get(new URL(url).pathname)
    expect(doc.status).toBe(200)
    expect(doc.body.resource).toBe(resource)
    // clients that ignore the path fetch the bare well-known path: the same document
    expect((await request(app).get(WK)).body).toEqual(doc.body)
    // another resource's path is not ours (the gateway denies what no rule allows: 403)
    expect((await request(app).get(`${WK}/v2`)).status).toBe(adapter === 'gateway' ? 403 : 404)
  })

  it('HEAD answers the headers alone; a query string does not matter', async () => {
    const app = appWith({ resourceMetadata: { resourceName: 'Orders API' } })
    const get = await request(app).get(`${WK}?x=1`)
    expect(get.status).toBe(200)
    expect(get.body.resource_name).toBe('Orders API')
    const head = await request(app).head(WK)
    expect(head.status).toBe(200)
    expect(head.text ?? '').toBe('')
    expect(head.headers['content-length']).toBe(get.headers['content-length'])
    expect(head.headers['content-type']).toBe('application/json')
  })

  it('answers a CORS preflight (browser clients send MCP-Protocol-Version) and refuses other methods', async () => {
    const app = appWith({ resourceMetadata: true })
    const preflight = await request(app)
      .options(WK)
      .set('Origin', 'https://inspector.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'mcp-protocol-version')
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('*')
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS')
    expect(preflight.headers['access-control-allow-headers']).toBe('*')
    for (const method of ['post', 'put', 'delete'] as const) {
      const res = await request(app)[method](WK)
      expect(res.status).toBe(405)
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS')
    }
  })

  it('scopes_supported: the scopes controllers declare plus the listed ones; the option wins', async () => {
    const declared = appWith(
      { resourceMetadata: true },
      { metadata: { controllers: [OrdersController], scopes: ['profile'] } },
    )
    expect((await request(declared).get(WK)).body.scopes_supported).toEqual([
      'admin',
      'orders:read',
      'orders:write',
      'profile',
    ])
    const fixed = appWith(
      { resourceMetadata: { scopesSupported: ['orders:read'] } },
      { metadata: { controllers: [OrdersController] } },
    )
    expect((await request(fixed).get(WK)).body.scopes_supported).toEqual(['orders:read'])
  })

  it('bearer_methods_supported follows bearerMethods; a configured URL is served at its path', async () => {
    const app = appWith({
      bearerMethods: ['header', 'body'],
      resourceMetadata: 'https://api.example.com/meta/prm.json',
    })
    const res = await request(app).get('/meta/prm.json')
    expect(res.status).toBe(200)
    expect(res.body.bearer_methods_supported).toEqual(['header', 'body'])
    expect((await request(app).get(WK)).status).toBe(200)
  })

  it('leaves every other route alone', async () => {
    const app = appWith({ resourceMetadata: true })
    expect((await request(app).get('/health')).status).toBe(200)
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const orders = await request(app).get('/api/orders').set('Authorization', `Bearer ${token}`)
    expect(orders.status).toBe(200)
    expect(orders.headers['access-control-allow-origin']).toBeUndefined()
  })
})
