/**
 * The three forward-auth contracts at the HTTP level, with the exact requests nginx
 * (`auth_request`), Traefik (`forwardAuth`) and Envoy (`ext_authz` HTTP service) send.
 */
import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIENCE, httpRequest, startGateway, type RunningGateway } from './helpers.js'

let issuer: TestIssuer
let gw: RunningGateway
let token: string

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  gw = await startGateway({
    guard: { issuer: issuer.url, audience: AUDIENCE },
    identity: { claims: { tenant: 'x-auth-tenant' } },
  })
  token = await issuer.token({
    sub: 'alice',
    scope: 'orders:read',
    client_id: 'web',
    tenant: 'acme',
  })
})
afterAll(async () => {
  await gw.close()
  await issuer.close()
})

/** nginx: the client's headers, X-Original-URI/-Method, X-Forwarded-Proto/-Host, no body. */
const nginx = (method: string, uri: string, headers: Record<string, string> = {}, base = gw.api) =>
  fetch(`${base}/nginx`, {
    method: 'GET', // the subrequest's own method does not matter; X-Original-Method does
    headers: {
      'x-original-uri': uri,
      'x-original-method': method,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      ...headers,
    },
  })

/** Traefik: GET with X-Forwarded-Method/-Proto/-Host/-Uri and the client's headers. */
const traefik = (
  method: string,
  uri: string,
  headers: Record<string, string> = {},
  base = gw.api,
) =>
  fetch(`${base}/traefik`, {
    headers: {
      'x-forwarded-method': method,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-uri': uri,
      'x-forwarded-for': '203.0.113.7',
      ...headers,
    },
  })

/** Envoy: the original method, path_prefix + original path, Host = :authority. */
const envoy = async (
  method: string,
  uri: string,
  headers: Record<string, string> = {},
  base = gw.api,
): Promise<Response> => {
  const res = await httpRequest(`${base}/envoy${uri}`, {
    method,
    headers: { host: 'api.example.com', 'x-forwarded-proto': 'https', ...headers },
  })
  const out = new Headers()
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of [value ?? []].flat()) out.append(name, v)
  }
  const body = method === 'HEAD' || res.status === 200 ? null : res.text
  return new Response(body, { status: res.status, headers: out })
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

describe.each([
  ['nginx', nginx],
  ['traefik', traefik],
  ['envoy', envoy],
] as const)('%s contract', (_name, ask) => {
  it('allows with identity headers (subject, client id, scopes, issuer, configured claims)', async () => {
    const res = await ask('GET', '/orders?page=2', bearer(token))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-auth-subject')).toBe('alice')
    expect(res.headers.get('x-auth-client-id')).toBe('web')
    expect(res.headers.get('x-auth-scopes')).toBe('orders:read')
    expect(res.headers.get('x-auth-issuer')).toBe(issuer.url)
    expect(res.headers.get('x-auth-tenant')).toBe('acme')
    expect(res.headers.get('x-auth-token-format')).toBe('jwt')
    for (const value of res.headers.values()) expect(value).not.toContain(token)
  })
  it('DPoP: the proof is checked against the original method and URL the proxy reports', async () => {
    const key = await createDpopKey()
    const bound = await issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { jkt: key.jkt } })
    const dpop = (url: string) => ({
      authorization: `DPoP ${bound}`,
      dpop: dpopProof(key, { method: 'GET', url, accessToken: bound }),
    })
    const ok = await ask('GET', '/orders?page=2', dpop('https://api.example.com/orders'))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-auth-subject')).toBe('alice')
    const other = await ask('GET', '/orders', dpop('https://api.example.com/admin'))
    expect(other.status).toBe(401)
    expect(other.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/)
    const asBearer = await ask('GET', '/orders', bearer(bound))
    expect(asBearer.status).toBe(401)
  })
  it('no token → 401 with a bare Bearer challenge', async () => {
    const res = await ask('GET', '/orders')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })
  it('a bad token → 401 invalid_token with the challenge from core', async () => {
    const res = await ask('GET', '/orders', bearer(`${token.slice(0, -4)}AAAA`))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(await res.json()).toMatchObject({ error: 'invalid_token' })
  })
  it('a token without the scope → 403 insufficient_scope', async () => {
    const res = await ask('POST', '/orders', bearer(token))
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(res.headers.get('www-authenticate')).toContain('scope="orders:write admin"')
  })
  it('a malformed Authorization header → 400 invalid_request', async () => {
    const res = await ask('GET', '/orders', { authorization: 'Bearer a b' })
    expect(res.status).toBe(400)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"')
  })
  it('public rules need no token and get no identity', async () => {
    const res = await ask('GET', '/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-auth-subject')).toBeNull()
  })
  it('deny rules and requests no rule matches → 403 without a challenge', async () => {
    for (const uri of ['/admin/users', '/nowhere', '/health/../admin']) {
      const res = await ask('GET', uri, bearer(token))
      expect(res.status).toBe(403)
      expect(res.headers.get('www-authenticate')).toBeNull()
      expect(await res.json()).toMatchObject({ error: 'access_denied' })
    }
  })
  it('the original method decides which rule applies (GET covers HEAD)', async () => {
    expect((await ask('HEAD', '/orders', bearer(token))).status).toBe(200)
    expect((await ask('DELETE', '/orders', bearer(token))).status).toBe(403)
  })
  it('host patterns see the original host', async () => {
    const tenant = { 'x-forwarded-host': 'acme.tenants.example', host: 'acme.tenants.example' }
    expect((await ask('GET', '/tenant', { ...bearer(token), ...tenant })).status).toBe(200)
    expect((await ask('GET', '/tenant', bearer(token))).status).toBe(403)
  })
})

describe('contract specifics', () => {
  it('Envoy: client-sent identity headers the answer does not set are listed in x-envoy-auth-headers-to-remove', async () => {
    const res = await envoy('GET', '/orders', {
      ...bearer(await issuer.token({ sub: 'bob', scope: 'orders:read' })),
      'x-auth-subject': 'mallory',
      'x-auth-tenant': 'evil',
      'x-auth-role': 'admin',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-auth-subject')).toBe('bob') // set by the answer: overwrites
    expect(res.headers.get('x-envoy-auth-headers-to-remove')?.split(',').sort()).toEqual([
      'x-auth-role',
      'x-auth-tenant',
    ])
  })
  it('Envoy: the path prefix is removed, the query kept for the guard', async () => {
    const res = await envoy('GET', '/orders?access_token=abc', bearer(token))
    // a query token next to a header token: two methods at once → 400 (RFC 6750 §2)
    expect(res.status).toBe(400)
  })
  it('nginx: a missing X-Original-URI → 400 naming the header', async () => {
    const res = await fetch(`${gw.api}/nginx`, { headers: { 'x-original-method': 'GET' } })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_description: string }).error_description).toContain(
      'X-Original-URI',
    )
  })
  it('Traefik: a bad X-Forwarded-Proto → 400', async () => {
    const res = await traefik('GET', '/orders', { 'x-forwarded-proto': 'gopher' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_description: string }).error_description).toContain(
      'X-Forwarded-Proto',
    )
  })
  it('an unknown endpoint → 404', async () => {
    expect((await fetch(`${gw.api}/nope`)).status).toBe(404)
  })
})

describe('forwarded headers only from trusted hops', () => {
  it('a decision request from a peer outside trustedProxies → 403 untrusted_hop', async () => {
    const strict = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      trustedProxies: ['10.0.0.0/8'],
    })
    try {
      for (const path of ['/nginx', '/traefik', '/envoy/orders']) {
        const res = await fetch(`${strict.api}${path}`, {
          headers: { ...bearer(token), 'x-original-uri': '/orders', 'x-original-method': 'GET' },
        })
        expect(res.status).toBe(403)
        expect(((await res.json()) as { error_description: string }).error_description).toMatch(
          /trusted proxies/,
        )
      }
    } finally {
      await strict.close()
    }
  })
})

describe('a guard with optional: true', () => {
  it('an authenticated rule still refuses a request without a token; a public one lets it through', async () => {
    const optional = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, optional: true },
    })
    try {
      for (const ask of [nginx, traefik, envoy]) {
        expect((await ask('GET', '/me', {}, optional.api)).status).toBe(401)
        expect((await ask('GET', '/health', {}, optional.api)).status).toBe(200)
        expect((await ask('GET', '/me', bearer(token), optional.api)).status).toBe(200)
      }
    } finally {
      await optional.close()
    }
  })
})

describe('the authorization server is down', () => {
  it('→ 503 with Retry-After, never 401', async () => {
    const down = await startGateway({
      guard: {
        issuer: issuer.url,
        audience: AUDIENCE,
        jwksUri: 'http://127.0.0.1:1/jwks',
        timeout: 300,
      },
    })
    try {
      for (const ask of [nginx, traefik, envoy]) {
        const res = await ask('GET', '/orders', bearer(token), down.api)
        expect(res.status).toBe(503)
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        expect(res.headers.get('www-authenticate') ?? '').not.toContain('invalid_token')
        expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' })
      }
    } finally {
      await down.close()
    }
  })
})
