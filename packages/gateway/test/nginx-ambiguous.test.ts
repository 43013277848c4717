/**
 * Requests that nginx and the gateway could read differently, through a real nginx with the
 * README's config: the host of an absolute-form request (nginx serves the request line's
 * host, RFC 9112 §3.2.2, so `X-Forwarded-Host $host` must carry that one), two
 * `Authorization` headers (nginx 1.22 refuses them itself) and two `DPoP` proofs (nginx passes
 * both to the decision subrequest), identity headers
 * spelled with underscores (nginx drops them), and method- and path-override headers (the
 * README's config clears them).
 */
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAvailable } from '../../../test/support/system-services.js'
import {
  AUDIENCE,
  rawRequest,
  startGateway,
  startUpstream,
  type RunningGateway,
  type Upstream,
} from './helpers.js'
import { readmeServerBlock } from './nginx-config.js'
import { startNginx, type Nginx } from './nginx-process.js'

let issuer: TestIssuer
let upstream: Upstream
let gw: RunningGateway
let nginx: Nginx

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('nginx'))('through nginx, one request has one reading', () => {
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    upstream = await startUpstream()
    gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      rules: [
        { path: '/hosted', hosts: ['internal.example'], public: true },
        { path: '/{*any}', authenticated: true },
      ],
    })
    nginx = await startNginx(readmeServerBlock(gw.api.replace('http://', ''), upstream.url))
  })
  afterAll(async () => {
    await nginx?.stop()
    await gw?.close()
    await upstream?.close()
    await issuer?.close()
  })

  const seen = (text: string) =>
    JSON.parse(text) as { method: string; url: string; headers: Record<string, string> }

  it('an absolute-form request is judged by the host nginx serves it for, not by Host', async () => {
    const before = upstream.seen.length
    const spoofed = await rawRequest(nginx.url, 'http://secret.example/hosted', [
      ['Host', 'internal.example'],
    ])
    expect(spoofed.status).toBe(401) // secret.example has no public /hosted
    expect(upstream.seen.length).toBe(before)
    const plain = await rawRequest(nginx.url, '/hosted', [['Host', 'internal.example']])
    expect(plain.status).toBe(200)
  })

  it('a client cannot choose the URI, method or host the gateway judges', async () => {
    const before = upstream.seen.length
    const res = await rawRequest(nginx.url, '/private', [
      ['Host', 'api.example.com'],
      ['X-Original-URI', '/hosted'],
      ['X-Original-Method', 'GET'],
      ['X-Forwarded-Host', 'internal.example'],
    ])
    expect(res.status).toBe(401)
    expect(upstream.seen.length).toBe(before)
  })

  it('two Authorization headers → 400, whichever comes first; the upstream never sees them', async () => {
    const before = upstream.seen.length
    const valid = `Bearer ${await issuer.token({ sub: 'alice' })}`
    for (const second of [valid, 'Bearer garbage', `DPoP ${await issuer.token({ sub: 'bob' })}`]) {
      const res = await rawRequest(nginx.url, '/orders', [
        ['Host', 'api.example.com'],
        ['Authorization', valid],
        ['Authorization', second],
      ])
      // nginx 1.22 refuses a repeated Authorization itself; the gateway would too (400 invalid_request)
      expect(res.status).toBe(400)
    }
    expect(upstream.seen.length).toBe(before)
  })

  it('two DPoP proofs reach the gateway apart and are refused (401 invalid_dpop_proof)', async () => {
    const key = await createDpopKey()
    const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
    const proof = () =>
      dpopProof(key, { method: 'GET', url: 'http://api.example.com/orders', accessToken: token })
    const one = await rawRequest(nginx.url, '/orders', [
      ['Host', 'api.example.com'],
      ['Authorization', `DPoP ${token}`],
      ['DPoP', proof()],
    ])
    expect(one.status).toBe(200)
    const two = await rawRequest(nginx.url, '/orders', [
      ['Host', 'api.example.com'],
      ['Authorization', `DPoP ${token}`],
      ['DPoP', proof()],
      ['DPoP', proof()],
    ])
    expect(two.status).toBe(401)
    expect(String(two.headers['www-authenticate'])).toMatch(/^DPoP .*error="invalid_dpop_proof"/)
  })

  it('identity headers spelled with underscores, method and path overrides never reach the upstream', async () => {
    const res = await rawRequest(nginx.url, '/orders', [
      ['Host', 'api.example.com'],
      ['Authorization', `Bearer ${await issuer.token({ sub: 'alice', scope: 'orders:read' })}`],
      ['X_Auth_Subject', 'mallory'],
      ['X-Auth_Scopes', 'admin'],
      ['X-HTTP-Method-Override', 'DELETE'],
      ['X-HTTP-Method', 'DELETE'],
      ['X-Method-Override', 'DELETE'],
      ['X-Original-URL', '/admin'],
      ['X-Rewrite-URL', '/admin'],
    ])
    expect(res.status).toBe(200)
    const { method, headers } = seen(res.text)
    expect(method).toBe('GET')
    expect(headers['x-auth-subject']).toBe('alice')
    for (const name of [
      'x_auth_subject',
      'x-auth_scopes',
      'x-http-method-override',
      'x-http-method',
      'x-method-override',
      'x-original-url',
      'x-rewrite-url',
    ]) {
      expect(headers[name], name).toBeUndefined()
    }
  })
})
