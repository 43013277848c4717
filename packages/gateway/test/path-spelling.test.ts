/**
 * Requests that two parsers could read differently, through every contract and the reverse
 * proxy: path spellings (rules are matched on core's canonical path; what servers read
 * differently is refused with 400), two credentials, two Host headers, absolute-form targets,
 * identity headers spelled with underscores, method-override headers, and the operations
 * endpoints kept off the decision paths.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayConfigError, createGateway, type GatewayConfigInput } from '../src/index.js'
import {
  AUDIENCE,
  rawRequest,
  startGateway,
  startUpstream,
  type RunningGateway,
  type Upstream,
} from './helpers.js'

/** The outside suite's rules: /public/** public, /admin/** needs admin, the rest authenticated. */
const RULES: GatewayConfigInput['rules'] = [
  { path: '/public{/*rest}', public: true },
  { path: '/admin{/*rest}', scopes: ['admin'] },
  { path: '/hosted', hosts: ['internal.example'], public: true },
  { path: '/{*any}', authenticated: true },
]

let issuer: TestIssuer
let upstream: Upstream
let gw: RunningGateway
let reader: string
let admin: string

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  upstream = await startUpstream()
  gw = await startGateway({
    guard: { issuer: issuer.url, audience: AUDIENCE },
    rules: RULES,
    proxy: { port: 0, upstream: upstream.url },
  })
  reader = await issuer.token({ sub: 'alice', scope: 'orders:read' })
  admin = await issuer.token({ sub: 'root', scope: 'admin' })
})
afterAll(async () => {
  await gw.close()
  await upstream.close()
  await issuer.close()
})

type Ask = (
  uri: string,
  headers?: Array<[string, string]>,
) => Promise<{ status: number; headers: Record<string, string | string[]>; text: string }>

const HOST: [string, string] = ['Host', 'api.example.com']
/** Each way a request reaches a decision, with the original path spelled exactly as given. */
const ASK: Record<string, Ask> = {
  nginx: (uri, headers = []) =>
    rawRequest(gw.api, '/nginx', [
      ['X-Original-URI', uri],
      ['X-Original-Method', 'GET'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'api.example.com'],
      ...headers,
    ]),
  traefik: (uri, headers = []) =>
    rawRequest(gw.api, '/traefik', [
      ['X-Forwarded-Uri', uri],
      ['X-Forwarded-Method', 'GET'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'api.example.com'],
      ...headers,
    ]),
  envoy: (uri, headers = []) => rawRequest(gw.api, `/envoy${uri}`, [HOST, ...headers]),
  proxy: (uri, headers = []) => rawRequest(gw.proxy as string, uri, [HOST, ...headers]),
}
const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`]

describe.each(Object.keys(ASK))('%s: path spellings', (name) => {
  const ask = ASK[name] as Ask
  it.each([
    '/public//../admin/x', // slashes merged before dot segments, as nginx does
    '/public/./../admin/x',
    '//admin/x',
    '/%61dmin/x', // RFC 3986 §6.2.2.2: /%61dmin is /admin
    '/%41DMIN/x', // and rules match case-insensitively
  ])('%s without a token → 401, never the public rule', async (uri) => {
    const res = await ask(uri)
    expect(res.status, uri).toBe(401)
  })
  it.each(['/%61dmin/x', '//admin/x', '/public//../admin/x', '/ADMIN/x'])(
    '%s with only orders:read → 403 insufficient_scope (the admin rule)',
    async (uri) => {
      const res = await ask(uri, [bearer(reader)])
      expect(res.status, uri).toBe(403)
      expect(String(res.headers['www-authenticate'])).toContain('scope="admin"')
    },
  )
  it.each([
    ['/public/..%2Fadmin/x', 'encoded "/"'],
    ['/admin%2Fx', 'encoded "/"'],
    ['/public/..%5Cadmin/x', 'encoded "/" or "\\"'],
    ['/public\\..\\admin/x', '"\\"'],
    ['/public/%2e%2e/admin/x', 'encoded dot segment'],
    ['/public/x%00', 'control character'],
    ['/admin;x/y', '";" parameters'],
    ['/public;/../admin', '";" parameters'],
    ['/public/%2561dmin', 'twice'],
    ['/public/%zz', 'malformed'],
    ['/public/%C0%AE%C0%AE/admin', 'not UTF-8'],
    ['/public/../..', 'leaves the root'],
  ])('%s → 400 invalid_request (%s), not a guess', async (uri, reason) => {
    const res = await ask(uri, [bearer(admin)])
    expect(res.status, uri).toBe(400)
    const body = JSON.parse(res.text) as { error: string; error_description: string }
    expect(body.error).toBe('invalid_request')
    expect(body.error_description).toContain(reason)
  })
  it('public paths stay public, spelled plainly or not', async () => {
    for (const uri of ['/public/x', '/%70ublic/x', '/public//x', '/admin/../public/x']) {
      expect((await ask(uri)).status, uri).toBe(200)
    }
  })
  it('two Authorization headers → 400 invalid_request, whichever comes first', async () => {
    for (const pair of [
      [bearer(admin), bearer(reader)],
      [bearer(admin), ['Authorization', `DPoP ${reader}`] as [string, string]],
      [['authorization', 'Basic YTpi'] as [string, string], bearer(admin)],
    ]) {
      const res = await ask('/orders', pair)
      expect(res.status).toBe(400)
      expect(String(res.headers['www-authenticate'])).toContain('error="invalid_request"')
    }
  })
})

describe('reverse proxy', () => {
  const seenUrl = (text: string) => (JSON.parse(text) as { url: string }).url
  it('forwards the canonical path (the one the rules judged), the query as sent', async () => {
    const res = await ASK.proxy?.('/%61dmin//x/./y/../z?q=%2F&a=..', [bearer(admin)])
    expect(res?.status).toBe(200)
    expect(seenUrl(res?.text ?? '')).toBe('/admin/x/z?q=%2F&a=..')
  })
  it('an absolute-form target: the host rule follows its authority, not Host (RFC 9112 §3.2.2)', async () => {
    const proxy = gw.proxy as string
    const hosted = await rawRequest(proxy, 'http://secret.example/hosted', [
      ['Host', 'internal.example'],
    ])
    expect(hosted.status).toBe(401) // secret.example has no public /hosted rule
    const internal = await rawRequest(proxy, 'http://internal.example/hosted', [
      ['Host', 'secret.example'],
    ])
    expect(internal.status).toBe(200)
    expect(seenUrl(internal.text)).toBe('/hosted')
  })
  it('a host with a trailing dot or in upper case is the same host', async () => {
    for (const host of ['internal.example.', 'INTERNAL.Example', 'internal.example.:80']) {
      const res = await rawRequest(gw.proxy as string, '/hosted', [['Host', host]])
      expect(res.status, host).toBe(200)
    }
    const other = await rawRequest(gw.proxy as string, '/hosted', [['Host', 'internal.example..']])
    expect(other.status).toBe(400) // not a host name
  })
  it('two Host headers → 400 (RFC 9112 §3.2)', async () => {
    const res = await rawRequest(gw.proxy as string, '/hosted', [
      ['Host', 'internal.example'],
      ['Host', 'secret.example'],
    ])
    expect(res.status).toBe(400)
    expect(res.text).toContain('more than one Host header')
  })
  it('identity headers spelled with underscores and method overrides never reach the upstream', async () => {
    const res = await ASK.proxy?.('/orders', [
      bearer(reader),
      ['X_Auth_Subject', 'mallory'],
      ['x_auth_scopes', 'admin'],
      ['X-Auth_Tenant', 'evil'],
      ['X-HTTP-Method-Override', 'DELETE'],
      ['X-Method-Override', 'DELETE'],
      ['X_HTTP_Method', 'DELETE'],
      ['X_Other', 'kept'],
    ])
    expect(res?.status).toBe(200)
    const { headers } = JSON.parse(res?.text ?? '') as { headers: Record<string, string> }
    expect(headers['x-auth-subject']).toBe('alice')
    expect(headers['x-auth-scopes']).toBe('orders:read')
    for (const name of [
      'x_auth_subject',
      'x_auth_scopes',
      'x-auth_tenant',
      'x-http-method-override',
      'x-method-override',
      'x_http_method',
    ]) {
      expect(headers[name], name).toBeUndefined()
    }
    expect(headers['x_other']).toBe('kept')
  })
  it('path overrides never pass; other forwarding headers only from a trusted hop', async () => {
    const untrusted = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      rules: RULES,
      proxy: { port: 0, upstream: upstream.url },
      trustedProxies: ['10.0.0.0/8'],
    })
    const spoof: Array<[string, string]> = [
      ['X-Original-URL', '/admin/x'],
      ['X_Rewrite_URL', '/admin/x'],
      ['Forwarded', 'for=10.0.0.1;host=admin.example;proto=https'],
      ['X-Real-IP', '10.0.0.1'],
      ['X-Forwarded-Prefix', '/admin'],
      ['X_Forwarded_For', '10.0.0.1'],
      ['X_Forwarded_Host', 'admin.example'],
    ]
    try {
      for (const [base, trusted] of [
        [untrusted.proxy, false],
        [gw.proxy, true],
      ] as const) {
        const res = await rawRequest(base as string, '/public/x', [HOST, ...spoof])
        expect(res.status).toBe(200)
        const { headers } = JSON.parse(res.text) as { headers: Record<string, string> }
        for (const name of [
          'x-original-url',
          'x_rewrite_url',
          'x_forwarded_for',
          'x_forwarded_host',
        ]) {
          expect(headers[name], name).toBeUndefined()
        }
        for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-prefix']) {
          if (trusted) expect(headers[name], name).toBeDefined()
          else expect(headers[name], name).toBeUndefined()
        }
        expect(headers['x-forwarded-for']).toBe('127.0.0.1')
      }
    } finally {
      await untrusted.close()
    }
  })
  it('the RFC 9728 document answers on the canonical path too', async () => {
    const withMetadata = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, resourceMetadata: true },
      rules: RULES,
      proxy: { port: 0, upstream: upstream.url },
    })
    try {
      const res = await rawRequest(
        withMetadata.proxy as string,
        '/.well-known//%6Fauth-protected-resource',
      )
      expect(res.status).toBe(200)
      expect(JSON.parse(res.text)).toMatchObject({ resource: AUDIENCE })
    } finally {
      await withMetadata.close()
    }
  })
})

describe('Envoy', () => {
  it('lists identity headers spelled with underscores, method and path overrides for removal', async () => {
    const res = await ASK.envoy?.('/orders', [
      bearer(reader),
      ['X_Auth_Subject', 'mallory'],
      ['X-HTTP-Method-Override', 'DELETE'],
      ['X-Original-URL', '/admin'],
    ])
    expect(res?.status).toBe(200)
    expect(String(res?.headers['x-envoy-auth-headers-to-remove']).split(',').sort()).toEqual([
      'x-http-method-override',
      'x-original-url',
      'x_auth_subject',
    ])
  })
})

describe('operations endpoints stay off the decision paths', () => {
  const config = (extra: Partial<GatewayConfigInput>): GatewayConfigInput => ({
    guard: { issuer: 'https://as.example.com', audience: AUDIENCE },
    rules: RULES,
    ...extra,
  })
  it('forwardAuth.envoy "" without an ops listener is a configuration error', () => {
    const envoyOnly = { envoy: '', nginx: false, traefik: false } as const
    expect(() => createGateway(config({ forwardAuth: envoyOnly }))).toThrow(GatewayConfigError)
    try {
      createGateway(config({ forwardAuth: envoyOnly }))
    } catch (error) {
      // one problem, said once
      expect((error as GatewayConfigError).issues).toEqual([
        { path: 'forwardAuth.envoy', message: expect.stringContaining('ops: { port') as string },
      ])
    }
  })
  it('forwardAuth.envoy "" with the nginx or Traefik contract on is a configuration error', () => {
    expect(() =>
      createGateway(config({ forwardAuth: { envoy: '', traefik: false }, ops: { port: 0 } })),
    ).toThrow(/forwardAuth\.nginx: must be false with forwardAuth\.envoy ""/)
  })
  it('a contract path on an operations path is a configuration error', () => {
    expect(() => createGateway(config({ forwardAuth: { nginx: '/metrics' } }))).toThrow(
      /forwardAuth\.nginx.*collides with the operations endpoints/s,
    )
  })
  it('with ops on their own listener and envoy "", /healthz and /metrics on the API are Envoy checks', async () => {
    const split = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      rules: RULES,
      forwardAuth: { envoy: '', nginx: false, traefik: false },
      ops: { port: 0 },
    })
    try {
      for (const path of ['/healthz', '/metrics', '/readyz', '/nginx', '/traefik']) {
        const check = await rawRequest(split.api, path, [HOST])
        expect(check.status, path).toBe(401) // the upstream's path, authenticated
        expect((await rawRequest(split.api, path, [HOST, bearer(reader)])).status).toBe(200)
      }
      const health = await rawRequest(split.ops as string, '/healthz')
      expect(health.status).toBe(200)
      expect(JSON.parse(health.text)).toEqual({ status: 'ok' })
      const metrics = await rawRequest(split.ops as string, '/metrics')
      expect(metrics.text).toContain('bearerguard_gateway_decisions_total')
      expect((await rawRequest(split.ops as string, '/envoy/orders')).status).toBe(404)
    } finally {
      await split.close()
    }
  })
})

describe('rule patterns must be written in the canonical form', () => {
  it.each([
    ['/a//b', '"//"'],
    ['/a/../b', 'dot segment'],
    ['/%61dmin', 'write "a"'],
    ['/caf%c3%a9', 'upper-cased'],
    ['/a;b', '";"'],
    ['/a%2Fb', 'never match'],
    ['/café', 'percent-encoded'],
  ])('%s → a configuration error (%s)', (path, message) => {
    try {
      createGateway({
        guard: { issuer: 'https://as.example.com', audience: AUDIENCE },
        rules: [{ path, public: true }],
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayConfigError)
      expect((error as GatewayConfigError).issues[0]).toMatchObject({
        path: 'rules[0].path',
        message: expect.stringContaining(message) as string,
      })
    }
  })
})
