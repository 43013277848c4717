/**
 * Tokens shaped like Keycloak's, Auth0's and Microsoft Entra ID's (the presets of
 * @bearerguard/testing), against a real test issuer and a real Express 5 app: Keycloak's
 * nested realm and client roles, Auth0's permissions, namespaced roles and scopes, and one
 * Entra tenant found by its discovery document. Tokens carry `typ: 'JWT'` in the header, as
 * the three providers sign them.
 */
import { createGuard, type Guard } from '@bearerguard/core'
import {
  authErrorHandler,
  bearerAuth,
  requireAnyRole,
  requireRoles,
  requireScopes,
} from '@bearerguard/express'
import {
  auth0Claims,
  createTestIssuer,
  entraClaims,
  keycloakClaims,
  type TestIssuer,
  type TokenOptions,
} from '@bearerguard/testing'
import express, { type Express, type Request, type Response } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const AS_PROVIDERS_SIGN: TokenOptions = { header: { typ: 'JWT' } }

const ok = (_req: Request, res: Response) => void res.json({ ok: true })
const me = (req: Request, res: Response) =>
  void res.json({
    subject: req.auth?.subject,
    clientId: req.auth?.clientId,
    scopes: req.auth?.scopes,
    roles: req.auth?.roles,
  })

function call(app: Express, method: 'get' | 'post' | 'delete', path: string, token: string) {
  return request(app)[method](path).set('Authorization', `Bearer ${token}`)
}

/** A 403 for a missing role or claim: insufficient_scope, with no scope= to ask for. */
function expectRoleRefusal(res: request.Response) {
  expect(res.status).toBe(403)
  expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
  expect(res.headers['www-authenticate']).not.toContain('scope=')
  expect(res.body.error).toBe('insufficient_scope')
}

describe('Keycloak: realm roles and the roles of this API’s client', () => {
  const AUDIENCE = 'orders-api'
  let issuer: TestIssuer
  let app: Express
  beforeAll(async () => {
    // Keycloak's issuer is https://{host}/realms/{realm}
    issuer = await createTestIssuer({ path: '/realms/acme', audience: AUDIENCE })
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      roleClaims: [
        ['realm_access', 'roles'],
        ['resource_access', 'orders-api', 'roles'],
      ],
    })
    app = express()
    app.set('env', 'test')
    app.use('/api', bearerAuth(guard))
    app.get('/api/me', me)
    app.delete('/api/orders/:id', requireRoles('admin'), ok) // a realm role
    app.post('/api/orders/:id/approve', requireRoles('approver'), ok) // a role of orders-api
    app.get('/api/reports', requireAnyRole('admin', 'auditor'), ok)
    app.use(authErrorHandler())
  })
  afterAll(() => issuer.close())

  const token = (options: Parameters<typeof keycloakClaims>[0], extra = {}) =>
    issuer.token({ ...keycloakClaims(options), ...extra }, AS_PROVIDERS_SIGN)

  it('reads the realm roles and this client’s roles, united; the client from azp', async () => {
    const jwt = await token({
      realmRoles: ['admin', 'offline_access'],
      clientRoles: { 'orders-api': ['approver', 'admin'], account: ['manage-account'] },
      azp: 'orders-web',
    })
    const res = await call(app, 'get', '/api/me', jwt)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      subject: '8c1f3a52-7d4e-4b7a-9e2f-0c5d7b8a1e34',
      clientId: 'orders-web',
      scopes: ['openid', 'profile', 'email'],
      roles: ['admin', 'offline_access', 'approver'],
    })
  })

  it('a realm role passes requireRoles', async () => {
    const jwt = await token({ realmRoles: ['admin'] })
    expect((await call(app, 'delete', '/api/orders/7', jwt)).status).toBe(200)
    expect((await call(app, 'get', '/api/reports', jwt)).status).toBe(200)
    expectRoleRefusal(await call(app, 'post', '/api/orders/7/approve', jwt))
  })

  it('a client role of orders-api passes requireRoles', async () => {
    const jwt = await token({ clientRoles: { 'orders-api': ['approver'] } })
    expect((await call(app, 'post', '/api/orders/7/approve', jwt)).status).toBe(200)
    expectRoleRefusal(await call(app, 'delete', '/api/orders/7', jwt))
  })

  it('requireAnyRole takes any one of its roles, from either claim', async () => {
    const auditor = await token({ clientRoles: { 'orders-api': ['auditor'] } })
    expect((await call(app, 'get', '/api/reports', auditor)).status).toBe(200)
    const neither = await token({ realmRoles: ['offline_access'] })
    expectRoleRefusal(await call(app, 'get', '/api/reports', neither))
  })

  it('a role of another client does not count', async () => {
    const jwt = await token({ clientRoles: { 'billing-api': ['approver', 'admin'] } })
    expectRoleRefusal(await call(app, 'post', '/api/orders/7/approve', jwt))
    expectRoleRefusal(await call(app, 'delete', '/api/orders/7', jwt))
    expect((await call(app, 'get', '/api/me', jwt)).body.roles).toEqual([])
  })

  it('roles in a wrong shape give no role: 403, never 401 or 500', async () => {
    for (const wrong of [
      { realm_access: ['admin'] }, // the array where the object goes
      { realm_access: 'admin' }, // a path through a string
      { realm_access: { roles: { admin: true } } },
      { realm_access: { roles: ['admin', 7] } }, // one non-string spoils the array
      { resource_access: { 'orders-api': ['approver'] } },
      { resource_access: { 'orders-api': { roles: null } } },
      { 'realm_access.roles': ['admin'] }, // a dotted name is a name, not the path
    ]) {
      const jwt = await token({}, wrong)
      const label = JSON.stringify(wrong)
      const res = await call(app, 'delete', '/api/orders/7', jwt)
      expect(res.status, label).toBe(403)
      expect(res.headers['www-authenticate'], label).not.toContain('scope=')
      expect((await call(app, 'get', '/api/me', jwt)).body.roles, label).toEqual([])
    }
  })
})

describe('Auth0: permissions, namespaced roles, and scopes', () => {
  const AUDIENCE = 'https://orders.example.com'
  const ROLES_CLAIM = 'https://example.com/roles'
  let issuer: TestIssuer
  let app: Express
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    // RBAC permissions as roles; requireScopes still reads `scope` (the default scopeClaim)
    const rbac = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      roleClaims: ['permissions'],
    })
    // roles an Action puts in a namespaced claim: the name is taken literally
    const namespaced = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      roleClaims: [ROLES_CLAIM],
    })
    app = express()
    app.set('env', 'test')
    app.use('/rbac', bearerAuth(rbac))
    app.get('/rbac/me', me)
    app.get('/rbac/orders', requireRoles('read:orders'), ok)
    app.delete('/rbac/orders/:id', requireRoles('delete:orders'), ok)
    app.get('/rbac/scoped-orders', requireScopes('read:orders'), ok)
    app.use('/roles', bearerAuth(namespaced))
    app.get('/roles/me', me)
    app.get('/roles/admin', requireRoles('admin'), ok)
    app.use(authErrorHandler())
  })
  afterAll(() => issuer.close())

  const token = (options: Parameters<typeof auth0Claims>[0], extra = {}) =>
    issuer.token({ ...auth0Claims(options), ...extra }, AS_PROVIDERS_SIGN)

  it('roleClaims ["permissions"]: requireRoles reads the RBAC permissions', async () => {
    const jwt = await token(
      { scope: 'openid profile', permissions: ['read:orders', 'write:orders'] },
      // a user token asked with openid is also for /userinfo
      { aud: [AUDIENCE, 'https://acme.us.auth0.com/userinfo'] },
    )
    expect((await call(app, 'get', '/rbac/orders', jwt)).status).toBe(200)
    expectRoleRefusal(await call(app, 'delete', '/rbac/orders/7', jwt))
    expect((await call(app, 'get', '/rbac/me', jwt)).body).toEqual({
      subject: 'auth0|alice',
      clientId: 'test-client',
      scopes: ['openid', 'profile'],
      roles: ['read:orders', 'write:orders'],
    })
  })

  it('requireScopes reads scope, not permissions', async () => {
    const permissionOnly = await token({ scope: 'openid', permissions: ['read:orders'] })
    const refused = await call(app, 'get', '/rbac/scoped-orders', permissionOnly)
    expect(refused.status).toBe(403)
    expect(refused.headers['www-authenticate']).toMatch(/error="insufficient_scope"/)
    expect(refused.headers['www-authenticate']).toContain('scope="read:orders"')

    const scoped = await token({ scope: 'openid read:orders', permissions: ['read:orders'] })
    expect((await call(app, 'get', '/rbac/scoped-orders', scoped)).status).toBe(200)
  })

  it('roleClaims ["https://example.com/roles"]: a namespaced claim, read by its whole name', async () => {
    const jwt = await token({ roles: { claim: ROLES_CLAIM, roles: ['admin', 'support'] } })
    expect((await call(app, 'get', '/roles/admin', jwt)).status).toBe(200)
    expect((await call(app, 'get', '/roles/me', jwt)).body.roles).toEqual(['admin', 'support'])

    // the name is not split at its slashes or dots
    const nested = await token({}, { 'https://example.com': { roles: ['admin'] } })
    expectRoleRefusal(await call(app, 'get', '/roles/admin', nested))
    const otherName = await token({
      roles: { claim: 'https://example.org/roles', roles: ['admin'] },
    })
    expectRoleRefusal(await call(app, 'get', '/roles/admin', otherName))
  })

  it('a machine-to-machine token: sub {azp}@clients, the client from azp', async () => {
    const jwt = await token({
      machine: true,
      azp: 'm2m-app',
      scope: 'read:orders',
      permissions: ['read:orders'],
    })
    expect((await call(app, 'get', '/rbac/me', jwt)).body).toEqual({
      subject: 'm2m-app@clients',
      clientId: 'm2m-app',
      scopes: ['read:orders'],
      roles: ['read:orders'],
    })
    expect((await call(app, 'get', '/rbac/scoped-orders', jwt)).status).toBe(200)
    expect((await call(app, 'get', '/rbac/orders', jwt)).status).toBe(200)
  })
})

describe('Microsoft Entra ID: one tenant, found by its discovery document', () => {
  const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
  const OTHER_TID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a'
  const API_CLIENT_ID = '6e74172b-be56-4843-9ff4-e66a39bb12e3' // aud of v2.0 tokens
  const CALLER = '4a1aa1d5-c567-49d0-ad0b-cd957a47f842'
  let issuer: TestIssuer
  let guard: Guard
  let app: Express
  beforeAll(async () => {
    issuer = await createTestIssuer({ tenants: true })
    guard = createGuard({
      issuer: issuer.tenantUrl(TID), // https://login.microsoftonline.com/{tid}/v2.0 in Entra
      audience: API_CLIENT_ID,
      roleClaims: ['roles'],
      scopeClaim: 'scp',
    })
    app = express()
    app.set('env', 'test')
    app.use('/api', bearerAuth(guard))
    app.get('/api/me', me)
    app.get('/api/orders', requireScopes('Orders.Read'), ok) // delegated permission
    app.get('/api/all-orders', requireRoles('Orders.Read.All'), ok) // app role
    app.use(authErrorHandler())
  })
  afterAll(() => issuer.close())

  const token = (options: Partial<Parameters<typeof entraClaims>[0]>) =>
    issuer.token(
      entraClaims({
        issuer: issuer.tenantUrl(TID),
        tenantId: TID,
        audience: API_CLIENT_ID,
        azp: CALLER,
        ...options,
      }),
      AS_PROVIDERS_SIGN,
    )

  it('an app-only token with an app role passes requireRoles, not requireScopes', async () => {
    const jwt = await token({ roles: ['Orders.Read.All'] })
    expect((await call(app, 'get', '/api/all-orders', jwt)).status).toBe(200)
    const refused = await call(app, 'get', '/api/orders', jwt)
    expect(refused.status).toBe(403)
    expect(refused.headers['www-authenticate']).toContain('scope="Orders.Read"')
    expect((await call(app, 'get', '/api/me', jwt)).body).toEqual({
      subject: '00000000-0000-0000-0000-00000000a11c',
      clientId: CALLER,
      scopes: [],
      roles: ['Orders.Read.All'],
    })
  })

  it('a delegated token with scp passes requireScopes', async () => {
    const jwt = await token({ scp: 'Orders.Read User.Read', username: 'alice@contoso.com' })
    expect((await call(app, 'get', '/api/orders', jwt)).status).toBe(200)
    expectRoleRefusal(await call(app, 'get', '/api/all-orders', jwt))
    expect((await call(app, 'get', '/api/me', jwt)).body.scopes).toEqual([
      'Orders.Read',
      'User.Read',
    ])
  })

  it('found the keys through the tenant’s discovery document', async () => {
    expect((await call(app, 'get', '/api/me', await token({}))).status).toBe(200)
    expect(issuer.requestCount('tenantDiscovery')).toBeGreaterThanOrEqual(1)
    expect(issuer.requestCount('discovery')).toBe(0) // the issuer's own document: never asked
    expect(issuer.requestCount('jwks')).toBeGreaterThanOrEqual(1)
  })

  it('a token of another tenant is 401 invalid_token, though signed with the same keys', async () => {
    const jwt = await token({
      issuer: issuer.tenantUrl(OTHER_TID),
      tenantId: OTHER_TID,
      roles: ['Orders.Read.All'],
    })
    const res = await call(app, 'get', '/api/all-orders', jwt)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/)
    expect(res.body.error).toBe('invalid_token')
  })

  it('a token for another API is 401 invalid_token', async () => {
    const jwt = await token({ roles: ['Orders.Read.All'], audience: 'api://some-other-api' })
    const res = await call(app, 'get', '/api/all-orders', jwt)
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_token')
  })
})
