/**
 * Gateway rules with `roles`, `anyRoles` and `claims`: alone or with scopes, checked on the
 * decision API (Envoy and nginx contracts), a failed one 403 insufficient_scope without
 * `scope=`; the caller's roles sent upstream as `x-auth-roles` (a client's own is never
 * believed); wrong rule shapes refused at start-up with the rule named.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig, type GatewayConfigInput } from '../src/index.js'
import { AUDIENCE, startGateway, type RunningGateway } from './helpers.js'

let issuer: TestIssuer
let gw: RunningGateway

const RULES: GatewayConfigInput['rules'] = [
  { path: '/admin', roles: ['admin'] },
  { path: '/refunds', anyRoles: ['admin', 'support'], scopes: ['orders:write'] },
  { path: '/acme', claims: { tenant: 'acme', groups: ['ops'] } },
  { path: '/mfa', roles: ['admin'], acrValues: ['urn:example:mfa'] },
]

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  gw = await startGateway({
    guard: {
      issuer: issuer.url,
      audience: AUDIENCE,
      roleClaims: ['roles', ['realm_access', 'roles']],
    },
    rules: RULES,
  })
})
afterAll(async () => {
  await gw.close()
  await issuer.close()
})

/** Envoy's ext_authz check of GET `path` (path_prefix /envoy). */
async function envoy(path: string, claims?: Record<string, unknown>, headers = {}) {
  const token = claims && (await issuer.token({ sub: 'alice', ...claims }))
  return fetch(`${gw.api}/envoy${path}`, {
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      ...headers,
    },
  })
}

describe('rules with roles and claims', () => {
  it('roles alone: a token with the role passes, its roles sent upstream', async () => {
    const ok = await envoy('/admin', { realm_access: { roles: ['admin', 'Sales Team'] } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-auth-roles')).toBe('admin,Sales Team')
    expect(ok.headers.get('x-auth-subject')).toBe('alice')
  })

  it('without the role: 403 insufficient_scope, no scope= (no scope would help)', async () => {
    const res = await envoy('/admin', { roles: ['viewer'] })
    expect(res.status).toBe(403)
    const challenge = res.headers.get('www-authenticate') ?? ''
    expect(challenge).toContain('error="insufficient_scope"')
    expect(challenge).not.toContain('scope=')
    expect(((await res.json()) as { error: string }).error).toBe('insufficient_scope')
  })

  it('a roles claim of the wrong type, or a path through a non-object, is no role', async () => {
    expect((await envoy('/admin', { roles: { admin: true } })).status).toBe(403)
    expect((await envoy('/admin', { realm_access: 'admin' })).status).toBe(403)
    expect((await envoy('/admin', { realm_access: ['admin'] })).status).toBe(403)
  })

  it('no token is 401 on a roles rule, as on any rule that needs a token', async () => {
    const res = await envoy('/admin')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /)
  })

  it('a client-sent x-auth-roles never reaches the upstream as its own', async () => {
    const res = await envoy('/admin', { roles: ['viewer'] }, { 'x-auth-roles': 'admin' })
    expect(res.status).toBe(403)
    const ok = await envoy('/admin', { roles: ['admin'] }, { 'x-auth-roles': 'root' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-auth-roles')).toBe('admin')
  })

  it('anyRoles with scopes: both must hold', async () => {
    expect((await envoy('/refunds', { roles: ['support'] })).status).toBe(403)
    expect((await envoy('/refunds', { scope: 'orders:write' })).status).toBe(403)
    const ok = await envoy('/refunds', { roles: ['support'], scope: 'orders:write' })
    expect(ok.status).toBe(200)
  })

  it('claims: equal values and lists all in the claim', async () => {
    expect((await envoy('/acme', { tenant: 'acme', groups: 'ops dev' })).status).toBe(200)
    expect((await envoy('/acme', { tenant: 'acme', groups: ['dev'] })).status).toBe(403)
    expect((await envoy('/acme', { tenant: 'umbrella', groups: ['ops'] })).status).toBe(403)
  })

  it('roles with step-up: the role first, then the acr', async () => {
    expect((await envoy('/mfa', { roles: ['viewer'], acr: 'urn:example:mfa' })).status).toBe(403)
    const weak = await envoy('/mfa', { roles: ['admin'], acr: 'urn:example:pwd' })
    expect(weak.status).toBe(401)
    expect(weak.headers.get('www-authenticate')).toContain('insufficient_user_authentication')
    expect((await envoy('/mfa', { roles: ['admin'], acr: 'urn:example:mfa' })).status).toBe(200)
  })

  it('the nginx contract answers the same', async () => {
    const token = await issuer.token({ sub: 'alice', roles: ['viewer'] })
    const res = await fetch(`${gw.api}/nginx`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-original-uri': '/admin',
        'x-original-method': 'GET',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.example.com',
      },
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).not.toContain('scope=')
  })
})

describe('rule shapes', () => {
  const guard = { issuer: 'https://as.example.com', audience: AUDIENCE }
  const issues = (rule: unknown) => {
    try {
      parseConfig({ guard, api: { port: 0 }, rules: [rule] } as never)
      return ''
    } catch (error) {
      return String((error as Error).message)
    }
  }

  it('roles, anyRoles and claims stand alone or with scopes/authenticated', () => {
    expect(issues({ path: '/a', roles: ['admin'] })).toBe('')
    expect(issues({ path: '/a', anyRoles: ['a', 'b'], authenticated: true })).toBe('')
    expect(issues({ path: '/a', claims: { tenant: 'acme', level: 3, ok: true } })).toBe('')
  })

  it('are refused with public or deny, empty, or of the wrong type — naming the rule', () => {
    expect(issues({ path: '/a', roles: ['admin'], public: true })).toMatch(/rules\[0\]/)
    expect(issues({ path: '/a', claims: { t: 'x' }, deny: true })).toContain('needs a token')
    expect(issues({ path: '/a', roles: [] })).toMatch(/rules\[0\]/)
    expect(issues({ path: '/a', roles: [''] })).toMatch(/rules\[0\]/)
    expect(issues({ path: '/a', claims: {} })).toContain('needs at least one claim')
    expect(issues({ path: '/a', claims: { t: {} } })).toMatch(/rules\[0\]/)
    expect(issues({ path: '/a', claims: { t: [] } })).toMatch(/rules\[0\]/)
    expect(issues({ path: '/a' })).toContain('"roles: [...]"')
  })

  it('a claim named __proto__ is refused, never silently dropped', () => {
    const rule = JSON.parse('{"path": "/a", "claims": {"__proto__": ["x"], "tenant": "acme"}}')
    expect(issues(rule)).toContain('"__proto__"')
  })
})
