import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  auth0Claims,
  createTestIssuer,
  entraClaims,
  keycloakClaims,
  type TestIssuer,
} from '../src/index.js'

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'

async function getJson(url: string, init?: RequestInit) {
  const response = await fetch(url, init)
  const text = await response.text()
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined,
  }
}

describe('keycloakClaims', () => {
  it('has the defaults of a Keycloak user token, and no client_id', () => {
    const claims = keycloakClaims()
    expect(claims).toEqual({
      sub: '8c1f3a52-7d4e-4b7a-9e2f-0c5d7b8a1e34',
      typ: 'Bearer',
      azp: 'test-client',
      preferred_username: 'alice',
      scope: 'openid profile email',
    })
    expect(Object.hasOwn(claims, 'client_id')).toBe(true) // undefined: token() drops its default
    expect(claims).not.toHaveProperty('realm_access')
    expect(claims).not.toHaveProperty('resource_access')
  })

  it('puts realm roles in realm_access and client roles in resource_access', () => {
    expect(
      keycloakClaims({
        realmRoles: ['admin', 'offline_access'],
        clientRoles: { 'orders-api': ['approver'], account: ['view-profile'] },
        scope: ['profile', 'orders'],
        azp: 'orders-web',
        username: 'bob',
        sub: 'b0b',
      }),
    ).toEqual({
      sub: 'b0b',
      typ: 'Bearer',
      azp: 'orders-web',
      preferred_username: 'bob',
      scope: 'profile orders',
      realm_access: { roles: ['admin', 'offline_access'] },
      resource_access: {
        'orders-api': { roles: ['approver'] },
        account: { roles: ['view-profile'] },
      },
    })
  })

  it('is pure: the same options give equal claims, never sharing the arrays given', () => {
    const realmRoles = ['admin']
    const clientRoles = { 'orders-api': ['approver'] }
    const first = keycloakClaims({ realmRoles, clientRoles })
    realmRoles.push('later')
    clientRoles['orders-api'].push('later')
    expect(first.realm_access).toEqual({ roles: ['admin'] })
    expect(first.resource_access).toEqual({ 'orders-api': { roles: ['approver'] } })
    expect(keycloakClaims({ realmRoles: ['admin'] })).toEqual(
      keycloakClaims({ realmRoles: ['admin'] }),
    )
  })

  it('keeps a client named __proto__ as a client', () => {
    const clientRoles = JSON.parse('{"__proto__": ["x"]}') as Record<string, string[]>
    const access = keycloakClaims({ clientRoles }).resource_access as Record<string, unknown>
    expect(Object.hasOwn(access, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(access)).toBe(Object.prototype)
  })

  it('refuses wrong shapes, naming the option', () => {
    const bad = (options: unknown) => () =>
      keycloakClaims(options as Parameters<typeof keycloakClaims>[0])
    expect(bad({ realmRoles: 'admin' })).toThrow(/keycloakClaims\(\): realmRoles must be/)
    expect(bad({ realmRoles: [1] })).toThrow(TypeError)
    expect(bad({ clientRoles: ['admin'] })).toThrow(/clientRoles must be an object/)
    expect(bad({ clientRoles: { api: 'admin' } })).toThrow(/clientRoles\["api"\] must be/)
    expect(bad({ scope: 7 })).toThrow(/scope must be/)
    expect(bad({ azp: '' })).toThrow(/azp must be a non-empty string/)
  })
})

describe('entraClaims', () => {
  const iss = `https://login.microsoftonline.com/${TID}/v2.0`

  it('makes an app-only token: roles, no scp, sub = oid', () => {
    expect(
      entraClaims({ issuer: iss, tenantId: TID, roles: ['Orders.Read.All'], audience: 'api-id' }),
    ).toEqual({
      iss,
      tid: TID,
      ver: '2.0',
      azp: 'test-client',
      oid: '00000000-0000-0000-0000-00000000a11c',
      sub: '00000000-0000-0000-0000-00000000a11c',
      roles: ['Orders.Read.All'],
      aud: 'api-id',
    })
  })

  it('makes a delegated token: scp as a space-delimited string', () => {
    const claims = entraClaims({
      issuer: iss,
      tenantId: TID,
      scp: ['Orders.Read', 'Orders.Write'],
      azp: 'spa-client-id',
      oid: 'user-oid',
      sub: 'pairwise-sub',
      username: 'alice@contoso.com',
    })
    expect(claims).toEqual({
      iss,
      tid: TID,
      ver: '2.0',
      azp: 'spa-client-id',
      oid: 'user-oid',
      sub: 'pairwise-sub',
      scp: 'Orders.Read Orders.Write',
      preferred_username: 'alice@contoso.com',
    })
    expect(claims).not.toHaveProperty('roles')
    expect(claims).not.toHaveProperty('aud') // left to the issuer's audience option
    expect(Object.hasOwn(claims, 'client_id')).toBe(true)
  })

  it('needs issuer and tenantId, and refuses wrong shapes', () => {
    const bad = (options: unknown) => () =>
      entraClaims(options as Parameters<typeof entraClaims>[0])
    expect(bad(undefined)).toThrow(/entraClaims\(\) needs \{ issuer, tenantId \}/)
    expect(bad({ tenantId: TID })).toThrow(/issuer must be a non-empty string/)
    expect(bad({ issuer: iss })).toThrow(/tenantId must be a non-empty string/)
    expect(bad({ issuer: iss, tenantId: TID, roles: 'Orders.Read.All' })).toThrow(
      /roles must be an array of strings/,
    )
    expect(bad({ issuer: iss, tenantId: TID, scp: [1] })).toThrow(/scp must be/)
  })
})

describe('auth0Claims', () => {
  it('makes a user token: sub auth0|…, azp, and only the claims given', () => {
    expect(auth0Claims()).toEqual({ sub: 'auth0|alice', azp: 'test-client' })
    expect(
      auth0Claims({
        scope: ['openid', 'read:orders'],
        permissions: ['read:orders', 'write:orders'],
        roles: { claim: 'https://example.com/roles', roles: ['admin'] },
      }),
    ).toEqual({
      sub: 'auth0|alice',
      azp: 'test-client',
      scope: 'openid read:orders',
      permissions: ['read:orders', 'write:orders'],
      'https://example.com/roles': ['admin'],
    })
  })

  it('makes a machine-to-machine token: gty client-credentials, sub {azp}@clients', () => {
    const claims = auth0Claims({ machine: true, azp: 'm2m-app', scope: 'read:orders' })
    expect(claims).toEqual({
      sub: 'm2m-app@clients',
      azp: 'm2m-app',
      gty: 'client-credentials',
      scope: 'read:orders',
    })
    expect(Object.hasOwn(claims, 'client_id')).toBe(true)
    expect(auth0Claims({ machine: false })).not.toHaveProperty('gty')
  })

  it('keeps a roles claim named __proto__ as a claim', () => {
    const claims = auth0Claims({ roles: { claim: '__proto__', roles: ['admin'] } })
    expect(Object.hasOwn(claims, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype)
  })

  it('refuses wrong shapes, naming the option', () => {
    const bad = (options: unknown) => () =>
      auth0Claims(options as Parameters<typeof auth0Claims>[0])
    expect(bad({ permissions: 'read:orders' })).toThrow(/auth0Claims\(\): permissions must be/)
    expect(bad({ roles: ['admin'] })).toThrow(/roles\.claim must be/)
    expect(bad({ roles: 'admin' })).toThrow(/roles must be \{ claim, roles \}/)
    expect(bad({ roles: { claim: 'r', roles: 'admin' } })).toThrow(/roles\.roles must be/)
    expect(bad({ machine: 'yes' })).toThrow(/machine must be a boolean/)
  })
})

describe('the presets through issuer.token()', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ path: '/realms/acme', audience: 'orders-api' })
  })
  afterAll(() => issuer.close())

  it('drop the default client_id and keep the issuer, audience and times', async () => {
    const jwt = await issuer.token(keycloakClaims({ realmRoles: ['admin'] }), {
      header: { typ: 'JWT' },
    })
    expect(decodeProtectedHeader(jwt).typ).toBe('JWT')
    const payload = decodeJwt(jwt)
    expect(payload).not.toHaveProperty('client_id')
    expect(payload).toMatchObject({
      iss: issuer.url,
      aud: 'orders-api',
      typ: 'Bearer',
      azp: 'test-client',
      realm_access: { roles: ['admin'] },
    })
    expect(payload.iss).toMatch(/\/realms\/acme$/)
    expect(typeof payload.exp).toBe('number')
    for (const claims of [
      auth0Claims({ machine: true }),
      entraClaims({ issuer: 'x', tenantId: 't' }),
    ]) {
      expect(decodeJwt(await issuer.token(claims))).not.toHaveProperty('client_id')
    }
  })
})

describe('tenant issuers (tenants: true)', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ tenants: true, algorithms: ['RS256'] })
  })
  afterAll(() => issuer.close())

  const discoveryOf = (tenant: string) =>
    `${issuer.origin}/${tenant}/v2.0/.well-known/openid-configuration`

  it('tenantUrl() is ${origin}/{tid}/v2.0', () => {
    expect(issuer.tenantUrl(TID)).toBe(`${issuer.origin}/${TID}/v2.0`)
    expect(issuer.tenantUrl('contoso.onmicrosoft.com')).toBe(
      `${issuer.origin}/contoso.onmicrosoft.com/v2.0`,
    )
    expect(issuer.tenantUrl('caf%C3%A9')).toBe(`${issuer.origin}/caf%C3%A9/v2.0`)
  })

  it('tenantUrl() refuses what is not one path segment kept as written', () => {
    for (const tid of ['', 'a/b', 'a?b', 'a#b', 'a b', 'café', '.', '..', '%2e', '%2E%2e']) {
      expect(() => issuer.tenantUrl(tid), tid).toThrow(TypeError)
    }
    expect(() => issuer.tenantUrl(undefined as unknown as string)).toThrow(TypeError)
  })

  it('serves each tenant its discovery document, naming the one JWKS', async () => {
    issuer.resetCounts()
    const { status, type, body } = await getJson(discoveryOf(TID))
    expect(status).toBe(200)
    expect(type).toMatch(/^application\/json/)
    expect(body).toEqual({
      issuer: issuer.tenantUrl(TID),
      jwks_uri: issuer.jwksUri,
      response_types_supported: [],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
    })
    expect(issuer.requestCount('tenantDiscovery')).toBe(1)
    expect(issuer.requestCount('discovery')).toBe(0)
    expect(issuer.requestCount('all')).toBe(1)
  })

  it('answers any single segment, GUID or not, as it came in the URL', async () => {
    for (const tenant of [
      'common',
      'organizations',
      'contoso.onmicrosoft.com',
      'not-a-guid',
      'caf%C3%A9',
    ]) {
      const { status, body } = await getJson(discoveryOf(tenant))
      expect(status, tenant).toBe(200)
      expect(body?.issuer).toBe(`${issuer.origin}/${tenant}/v2.0`)
    }
    const raw = await getJson(`${issuer.origin}/café/v2.0/.well-known/openid-configuration`)
    expect(raw.body?.issuer).toBe(`${issuer.origin}/caf%C3%A9/v2.0`) // fetch encodes it
  })

  it('answers 404 for other shapes, uncounted as tenant discovery', async () => {
    issuer.resetCounts()
    for (const path of [
      '/a/b/v2.0/.well-known/openid-configuration',
      '/v2.0/.well-known/openid-configuration',
      `/${TID}/v1.0/.well-known/openid-configuration`,
      `/${TID}/v2.0/.well-known/openid-configuration/`,
      `/.well-known/oauth-authorization-server/${TID}/v2.0`,
    ]) {
      expect((await fetch(`${issuer.origin}${path}`)).status, path).toBe(404)
    }
    expect(issuer.requestCount('tenantDiscovery')).toBe(0)
    expect(issuer.requestCount('all')).toBe(5)
  })

  it('answers HEAD, and 405 with Allow to other methods (counted)', async () => {
    issuer.resetCounts()
    const head = await fetch(discoveryOf(TID), { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const post = await fetch(discoveryOf(TID), { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    expect(issuer.requestCount('tenantDiscovery')).toBe(2)
  })

  it('keeps the issuer’s own discovery and endpoints', async () => {
    const { status, body } = await getJson(issuer.discoveryUrls.openid)
    expect(status).toBe(200)
    expect(body?.issuer).toBe(issuer.url)
    expect((await fetch(issuer.jwksUri)).status).toBe(200)
  })

  it('takes faults of its own endpoint name, and of all, not those of discovery', async () => {
    issuer.fault('tenantDiscovery', { type: 'status', status: 503 }, { times: 1 })
    expect((await fetch(discoveryOf(TID))).status).toBe(503)
    expect((await fetch(discoveryOf(TID))).status).toBe(200)

    issuer.fault('discovery', { type: 'status', status: 500 })
    expect((await fetch(discoveryOf(TID))).status).toBe(200)
    expect((await fetch(issuer.discoveryUrls.openid)).status).toBe(500)
    issuer.fault('discovery', undefined)

    issuer.fault('all', { type: 'html' })
    const html = await fetch(discoveryOf(TID))
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    issuer.fault('all', undefined)
    expect((await fetch(discoveryOf(TID))).status).toBe(200)
  })

  it('tokens of a tenant verify with the keys its discovery names', async () => {
    const { body } = await getJson(discoveryOf(TID))
    const jwt = await issuer.token(entraClaims({ issuer: issuer.tenantUrl(TID), tenantId: TID }))
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(String(body?.jwks_uri))), {
      issuer: String(body?.issuer),
    })
    expect(payload).toMatchObject({ iss: issuer.tenantUrl(TID), tid: TID, ver: '2.0' })
  })
})

describe('tenants off (the default)', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ path: '/realms/acme' })
  })
  afterAll(() => issuer.close())

  it('serves no tenant discovery, and tenantUrl() says what to turn on', async () => {
    const url = `${issuer.origin}/${TID}/v2.0/.well-known/openid-configuration`
    expect((await fetch(url)).status).toBe(404)
    expect(issuer.requestCount('tenantDiscovery')).toBe(0)
    expect(() => issuer.tenantUrl(TID)).toThrow(/needs createTestIssuer\(\{ tenants: true \}\)/)
  })

  it('refuses a tenants option that is not a boolean', async () => {
    await expect(createTestIssuer({ tenants: 'yes' as unknown as boolean })).rejects.toThrow(
      /tenants must be true or false/,
    )
  })
})

describe('tenants with an issuer path', () => {
  it('puts tenant issuers at the origin, beside the issuer’s own path', async () => {
    const issuer = await createTestIssuer({ path: '/realms/acme', tenants: true })
    try {
      expect(issuer.url).toBe(`${issuer.origin}/realms/acme`)
      expect(issuer.tenantUrl('t1')).toBe(`${issuer.origin}/t1/v2.0`)
      const response = await fetch(`${issuer.origin}/t1/v2.0/.well-known/openid-configuration`)
      expect(((await response.json()) as { jwks_uri: string }).jwks_uri).toBe(issuer.jwksUri)
    } finally {
      await issuer.close()
    }
  })
})
