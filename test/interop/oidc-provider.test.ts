/**
 * Interop with a real, certified OpenID provider: oidc-provider runs in-process on 127.0.0.1,
 * tokens come from its token endpoint over HTTP (found by discovery), and each adapter's app is
 * configured the way a user would configure it against that provider.
 */
import { createGuard, type Guard, type GuardOptions } from '@bearerguard/core'
import { createDpopKey, dpopProof } from '@bearerguard/testing'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LATEST_ADAPTERS, type App } from '../adapters/harness.js'
import { discover, requestToken, revokeToken, type ProviderMetadata } from './oauth-client.js'
import {
  API_CLIENT,
  OTHER_RESOURCE,
  RESOURCE,
  RESOURCE_SERVER,
  SCOPES,
  SHORT_LIVED_CLIENT,
  SHORT_TTL,
  startProvider,
  type RunningProvider,
} from './start-provider.js'

type Introspection = NonNullable<GuardOptions['introspection']>

let provider: RunningProvider
let metadata: ProviderMetadata
beforeAll(async () => {
  provider = await startProvider()
  metadata = await discover(provider.issuer)
})
afterAll(() => provider?.close())

const ALL_SCOPES = SCOPES.join(' ')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const sorted = (values: string[]) => [...values].sort()
const get = (app: App, token: string, path = '/api/me') =>
  request(app).get(path).set('Authorization', `Bearer ${token}`)

function expectInvalidToken(res: request.Response, description?: RegExp) {
  expect(res.status).toBe(401)
  expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/)
  if (description) expect(res.headers['www-authenticate']).toMatch(description)
}

describe.each(LATEST_ADAPTERS)('%s against oidc-provider', (_adapter, makeApp) => {
  const guards: Guard[] = []
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((guard) => guard.close()))
  })

  /** A guard configured with nothing but the issuer and our audience, plus `options`. */
  function guardFor(options: Partial<GuardOptions> = {}, issuer = provider.issuer): Guard {
    const guard = createGuard({ issuer, audience: RESOURCE, ...options } as GuardOptions)
    guards.push(guard)
    return guard
  }
  /** The same, also introspecting opaque tokens as `resource-server` (endpoint from discovery). */
  const introspectingGuard = (
    introspection: Partial<Introspection> = {},
    options: Partial<GuardOptions> = {},
  ) =>
    guardFor({
      ...options,
      introspection: {
        clientId: RESOURCE_SERVER.id,
        clientSecret: RESOURCE_SERVER.secret,
        ...introspection,
      },
    })

  it('accepts an RFC 9068 JWT access token for its resource, configured with only issuer and audience', async () => {
    const { access_token: token } = await requestToken(metadata, API_CLIENT, {
      scope: ALL_SCOPES,
      resource: RESOURCE,
    })
    expect(decodeProtectedHeader(token)).toMatchObject({
      typ: 'at+jwt',
      alg: 'RS256',
      kid: provider.kid,
    })

    const res = await get(makeApp(guardFor()), token)

    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      format: 'jwt',
      issuer: provider.issuer,
      clientId: API_CLIENT.id,
      subject: API_CLIENT.id,
      audience: [RESOURCE],
    })
    expect(sorted(res.body.scopes)).toEqual(sorted(SCOPES))
  })

  it('accepts an opaque token by introspection at the endpoint found by discovery', async () => {
    const { access_token: token } = await requestToken(metadata, API_CLIENT, {
      scope: 'orders:read orders:write',
    })
    expect(token).not.toContain('.')
    expect(metadata.introspection_endpoint.startsWith(`${provider.issuer}/`)).toBe(true)

    const res = await get(makeApp(introspectingGuard()), token)

    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      format: 'opaque',
      issuer: provider.issuer,
      clientId: API_CLIENT.id,
    })
    expect(sorted(res.body.scopes)).toEqual(['orders:read', 'orders:write'])
    // the claims are oidc-provider's own introspection response
    expect(res.body.claims).toMatchObject({
      active: true,
      iss: provider.issuer,
      client_id: API_CLIENT.id,
      token_type: 'Bearer',
    })
    // and introspection is what made it work: a JWT-only guard cannot verify it
    expectInvalidToken(await get(makeApp(guardFor()), token))
  })

  it('DPoP: tokens the provider bound to a key (JWT and opaque) work with proofs, never as Bearer', async () => {
    const key = await createDpopKey('ES256')
    const proofFor = (url: string) => dpopProof(key, { method: 'POST', url })
    const [jwt, opaque] = await Promise.all([
      requestToken(metadata, API_CLIENT, { scope: ALL_SCOPES, resource: RESOURCE }, proofFor),
      requestToken(metadata, API_CLIENT, { scope: 'orders:read' }, proofFor),
    ])
    expect(jwt!.token_type).toBe('DPoP')
    expect(decodeJwt(jwt!.access_token).cnf).toEqual({ jkt: key.jkt })
    const app = makeApp(introspectingGuard())
    const host = 'api.example.test'
    const withProof = (token: string) =>
      request(app)
        .get('/api/me')
        .set('Host', host)
        .set('Authorization', `DPoP ${token}`)
        .set(
          'DPoP',
          dpopProof(key, { method: 'GET', url: `http://${host}/api/me`, accessToken: token }),
        )

    const viaJwt = await withProof(jwt!.access_token)
    expect(viaJwt.status).toBe(200)
    expect(viaJwt.body).toMatchObject({
      scheme: 'DPoP',
      format: 'jwt',
      confirmation: { jkt: key.jkt },
    })
    const viaOpaque = await withProof(opaque!.access_token)
    expect(viaOpaque.status).toBe(200)
    expect(viaOpaque.body).toMatchObject({ scheme: 'DPoP', format: 'opaque' })
    expect(viaOpaque.body.claims).toMatchObject({ token_type: 'DPoP', cnf: { jkt: key.jkt } })

    expectInvalidToken(await get(app, jwt!.access_token), /DPoP-bound/)
    expectInvalidToken(await get(app, opaque!.access_token), /DPoP-bound/)
  })

  it('refuses a JWT the provider issued for another resource indicator with 401 invalid_token', async () => {
    const app = makeApp(guardFor())
    const [ours, theirs] = await Promise.all(
      [RESOURCE, OTHER_RESOURCE].map((resource) =>
        requestToken(metadata, API_CLIENT, { scope: ALL_SCOPES, resource }),
      ),
    )
    expect(decodeJwt(theirs!.access_token).aud).toBe(OTHER_RESOURCE)

    expect((await get(app, ours!.access_token)).status).toBe(200)
    expectInvalidToken(await get(app, theirs!.access_token), /audience/)
  })

  it('refuses JWT and opaque tokens once the expiry set by the provider has passed (clockTolerance 0)', async () => {
    const guard = introspectingGuard({}, { clockTolerance: 0 })
    await guard.ready() // discovery and keys fetched now, so the short-lived tokens are fresh
    const app = makeApp(guard)
    const [jwt, opaque] = await Promise.all([
      requestToken(metadata, SHORT_LIVED_CLIENT, { scope: 'orders:read', resource: RESOURCE }),
      requestToken(metadata, SHORT_LIVED_CLIENT, { scope: 'orders:read' }),
    ])
    expect(jwt.expires_in).toBeLessThanOrEqual(SHORT_TTL)
    expect(opaque.expires_in).toBeLessThanOrEqual(SHORT_TTL)

    const [jwtBefore, opaqueBefore] = await Promise.all([
      get(app, jwt.access_token),
      get(app, opaque.access_token),
    ])
    expect(jwtBefore.status).toBe(200)
    expect(opaqueBefore.status).toBe(200)
    expect(jwtBefore.body.format).toBe('jwt')
    expect(opaqueBefore.body.format).toBe('opaque')

    const expiresAt = Math.max(jwtBefore.body.expiresAt, opaqueBefore.body.expiresAt)
    expect(expiresAt * 1000 - Date.now()).toBeLessThanOrEqual(SHORT_TTL * 1000)
    await sleep(Math.max(0, expiresAt * 1000 - Date.now()) + 50)

    expectInvalidToken(await get(app, jwt.access_token), /expired/)
    expectInvalidToken(await get(app, opaque.access_token))
  })

  it('refuses an opaque token revoked at the provider revocation endpoint (introspection cache off)', async () => {
    const app = makeApp(introspectingGuard({ cache: { ttl: 0 } }))
    const { access_token: token } = await requestToken(metadata, API_CLIENT, {
      scope: ALL_SCOPES,
    })
    expect((await get(app, token)).status).toBe(200)

    await revokeToken(metadata, API_CLIENT, token)

    expectInvalidToken(await get(app, token), /not active/)
  })

  it.each([
    ['a JWT', RESOURCE],
    ['an opaque', undefined],
  ])(
    'enforces the granted scopes of %s token: orders:read reads orders, is 403 insufficient_scope at /api/admin',
    async (_format, resource) => {
      const app = makeApp(introspectingGuard())
      const granted = await requestToken(metadata, API_CLIENT, {
        scope: 'orders:read',
        ...(resource ? { resource } : {}),
      })
      expect(granted.scope).toBe('orders:read')
      const token = granted.access_token

      const orders = await get(app, token, '/api/orders')
      expect(orders.status).toBe(200)
      expect(orders.body.scopes).toEqual(['orders:read'])

      const admin = await get(app, token, '/api/admin')
      expect(admin.status).toBe(403)
      expect(admin.headers['www-authenticate']).toMatch(/error="insufficient_scope"/)
      expect(admin.headers['www-authenticate']).toMatch(/scope="[^"]*\badmin\b[^"]*"/)

      const write = await request(app).post('/api/orders').set('Authorization', `Bearer ${token}`)
      expect(write.status).toBe(403)
    },
  )

  it('verifies tokens signed with a key rotated in at the provider (restart, new kid) without restarting the guard', async () => {
    const rotating = await startProvider()
    try {
      const rotatingMetadata = await discover(rotating.issuer)
      const tokenNow = async () =>
        (
          await requestToken(rotatingMetadata, API_CLIENT, {
            scope: ALL_SCOPES,
            resource: RESOURCE,
          })
        ).access_token
      const app = makeApp(guardFor({ jwksCooldown: 0 }, rotating.issuer))

      const before = await tokenNow()
      const oldKid = rotating.kid
      expect(decodeProtectedHeader(before).kid).toBe(oldKid)
      expect((await get(app, before)).status).toBe(200) // the JWKS with the old key is cached now

      const newKid = await rotating.restartWithNewKey()
      expect(newKid).not.toBe(oldKid)
      const after = await tokenNow()
      expect(decodeProtectedHeader(after).kid).toBe(newKid)

      const res = await get(app, after)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ format: 'jwt', issuer: rotating.issuer })
      // the provider no longer publishes the old key, and the refetched key set no longer has it
      expectInvalidToken(await get(app, before))
    } finally {
      await rotating.close()
    }
  })
})
