/** RFC 7662 rows of STANDARDS.md and the introspection cache, through Express against a real issuer. */
import { createGuard, type Guard, type GuardOptions } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { exportJWK, generateKeyPair } from 'jose'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LATEST_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(LATEST_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  beforeEach(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterEach(() => issuer.close())

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const now = () => Math.floor(Date.now() / 1000)
  type Introspection = NonNullable<GuardOptions['introspection']>
  function guardFor(
    introspection: Partial<Introspection> = {},
    options: Partial<GuardOptions> = {},
  ): Guard {
    return createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      ...options,
      introspection: { clientId: 'test-client', clientSecret: 'test-secret', ...introspection },
    } as GuardOptions)
  }
  const appFor = (
    introspection: Partial<Introspection> = {},
    options: Partial<GuardOptions> = {},
  ) => makeApp(guardFor(introspection, options))
  const call = (a: App, token: string, path = '/api/me') =>
    request(a).get(path).set('Authorization', `Bearer ${token}`)
  async function expectInvalidToken(res: request.Response, description?: RegExp) {
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/)
    if (description) expect(res.headers['www-authenticate']).toMatch(description)
  }
  async function expectUnavailable(res: request.Response) {
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(res.headers['www-authenticate'] ?? '').not.toContain('invalid_token')
  }

  describe('RFC 7662 §2.1 — the introspection request', () => {
    it('POSTs form-encoded token + token_type_hint=access_token, authenticated with client_secret_basic', async () => {
      const token = await issuer.opaqueToken({ sub: 'alice' })
      expect((await call(appFor(), token)).status).toBe(200)
      const [sent] = issuer.introspectionRequests()
      expect(sent?.params.token).toBe(token)
      expect(sent?.params.token_type_hint).toBe('access_token')
      expect(sent?.authMethod).toBe('client_secret_basic')
      expect(sent?.clientId).toBe('test-client')
      expect(String(sent?.headers['content-type'])).toContain('application/x-www-form-urlencoded')
      expect(String(sent?.headers.accept)).toContain('application/json')
    })
    it('client_secret_post', async () => {
      const token = await issuer.opaqueToken({ sub: 'alice' })
      expect((await call(appFor({ authMethod: 'client_secret_post' }), token)).status).toBe(200)
      expect(issuer.introspectionRequests()[0]?.authMethod).toBe('client_secret_post')
      expect(issuer.introspectionRequests()[0]?.params.client_secret).toBe('test-secret')
    })
    it('private_key_jwt (RFC 7523)', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
      issuer.addClient({
        clientId: 'jwt-client',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'c1', alg: 'ES256' }] },
      })
      const privateJwk = { ...(await exportJWK(privateKey)), kid: 'c1', alg: 'ES256' }
      const token = await issuer.opaqueToken({ sub: 'alice' })
      const a = makeApp(
        createGuard({
          issuer: issuer.url,
          audience: AUDIENCE,
          introspection: { clientId: 'jwt-client', privateKey: privateJwk },
        }),
      )
      expect((await call(a, token)).status).toBe(200)
      expect(issuer.introspectionRequests()[0]?.authMethod).toBe('private_key_jwt')
    })
    it('the endpoint comes from discovery when not configured', async () => {
      const token = await issuer.opaqueToken({})
      expect((await call(appFor(), token)).status).toBe(200)
      expect(issuer.requestCount('discovery')).toBe(1)
    })
    it('a configured endpoint skips discovery', async () => {
      const token = await issuer.opaqueToken({})
      expect((await call(appFor({ endpoint: issuer.introspectionEndpoint }), token)).status).toBe(
        200,
      )
      expect(issuer.requestCount('discovery')).toBe(0)
    })
  })

  describe('RFC 7662 §2.2 — the introspection response', () => {
    it('active:true → 200 with the AuthInfo of an opaque token', async () => {
      const exp = now() + 600
      const token = await issuer.opaqueToken({
        sub: 'alice',
        scope: 'orders:read profile',
        client_id: 'web',
        exp,
      })
      const res = await call(appFor(), token)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        token,
        scheme: 'Bearer',
        format: 'opaque',
        issuer: issuer.url,
        subject: 'alice',
        clientId: 'web',
        audience: [AUDIENCE],
        scopes: ['orders:read', 'profile'],
        expiresAt: exp,
      })
      expect(res.body.claims.active).toBe(true)
    })
    it('cnf of an introspected token binds it too (RFC 8705 §3.2): no certificate → 401', async () => {
      const token = await issuer.opaqueToken({ sub: 'alice', cnf: { 'x5t#S256': 'abc' } })
      const res = await call(appFor(), token)
      expect(res.status).toBe(401)
      expect(res.body.error).toBe('invalid_token')
    })
    it('active:false → 401 invalid_token', async () => {
      await expectInvalidToken(await call(appFor(), 'not-a-known-token'), /not active/)
    })
    it('active as the string "true" is not true → never accepted', async () => {
      const token = await issuer.opaqueToken({}, { raw: { active: 'true', sub: 'mallory' } })
      const res = await call(appFor(), token)
      expect(res.status).not.toBe(200)
      await expectUnavailable(res)
    })
    it('active missing → never accepted', async () => {
      const token = await issuer.opaqueToken({}, { raw: { sub: 'mallory' } })
      await expectUnavailable(await call(appFor(), token))
    })
    it('active:true with exp in the past → 401', async () => {
      const token = await issuer.opaqueToken({}, { raw: { active: true, exp: now() - 120 } })
      await expectInvalidToken(await call(appFor(), token), /expired/)
    })
    it('active:true with nbf in the future → 401', async () => {
      const token = await issuer.opaqueToken({}, { raw: { active: true, nbf: now() + 600 } })
      await expectInvalidToken(await call(appFor(), token), /not yet valid/)
    })
    it('active:true with a foreign aud → 401', async () => {
      const token = await issuer.opaqueToken({ aud: 'https://other.example.com' })
      await expectInvalidToken(await call(appFor(), token), /audience/)
    })
    it('active:true without aud → accepted by default, rejected with requireAudience', async () => {
      const token = await issuer.opaqueToken({ aud: undefined })
      expect((await call(appFor(), token)).status).toBe(200)
      await expectInvalidToken(await call(appFor({ requireAudience: true }), token), /audience/)
    })
    it('active:true with an untrusted iss → 401', async () => {
      const token = await issuer.opaqueToken({ iss: 'https://evil.example.com' })
      await expectInvalidToken(await call(appFor(), token), /issuer/)
    })
    it('a refresh token (token_type) → 401', async () => {
      const token = await issuer.opaqueToken({ token_type: 'refresh_token' })
      await expectInvalidToken(await call(appFor(), token), /Refresh/)
    })
    it('malformed claims (exp as a string) → 503, never 200', async () => {
      const token = await issuer.opaqueToken({}, { raw: { active: true, exp: 'soon' } })
      await expectUnavailable(await call(appFor(), token))
    })
  })

  describe('RFC 7662 — endpoint failures → 503, never cached', () => {
    const cases: Array<[string, Parameters<TestIssuer['fault']>[1]]> = [
      ['5xx', { type: 'status', status: 500 }],
      ['403 to us', { type: 'status', status: 403 }],
      ['400 to us', { type: 'status', status: 400 }],
      ['an HTML page', { type: 'html' }],
      ['non-JSON', { type: 'invalid-json' }],
      ['an oversized body', { type: 'huge', bytes: 2_000_000 }],
      ['a redirect', { type: 'redirect', location: 'https://evil.example/introspect' }],
      ['a reset connection', { type: 'reset' }],
    ]
    it.each(cases)('%s → 503', async (_name, fault) => {
      const token = await issuer.opaqueToken({})
      issuer.fault('introspection', fault)
      await expectUnavailable(await call(appFor({}, { maxResponseSize: 64 * 1024 }), token))
    })
    it('401 to us (wrong client secret) → 503, not 401', async () => {
      const token = await issuer.opaqueToken({})
      await expectUnavailable(await call(appFor({ clientSecret: 'wrong' }), token))
    })
    it('slow past the timeout → 503', async () => {
      const token = await issuer.opaqueToken({})
      issuer.fault('introspection', { type: 'slow', delayMs: 3000 })
      const started = Date.now()
      await expectUnavailable(await call(appFor({ timeout: 200 }), token))
      expect(Date.now() - started).toBeLessThan(2500)
    })
    it('a failure is never cached, and one failure pauses nothing: the next request succeeds', async () => {
      const token = await issuer.opaqueToken({})
      const a = appFor()
      issuer.fault('introspection', { type: 'status', status: 500 })
      await expectUnavailable(await call(a, token))
      issuer.fault('introspection', undefined)
      expect((await call(a, token)).status).toBe(200)
    })
    it('while the endpoint fails, it is paused instead of each request calling it', async () => {
      const a = appFor()
      issuer.fault('introspection', { type: 'status', status: 503 })
      const tokens = await Promise.all(Array.from({ length: 30 }, () => issuer.opaqueToken({})))
      for (const token of tokens) await expectUnavailable(await call(a, token))
      // five failures in a row open the circuit; then one probe at most every 0.5–1 s
      expect(issuer.requestCount('introspection')).toBeLessThanOrEqual(10)
      issuer.fault('introspection', undefined)
      let status = 0
      const started = Date.now()
      while (Date.now() - started < 6000 && status !== 200) {
        status = (await call(a, tokens[0] as string)).status
        if (status !== 200) await sleep(100)
      }
      expect(status).toBe(200)
    })
  })

  describe('the introspection cache', () => {
    it('10 sequential requests with one token → 1 introspection call', async () => {
      const a = appFor()
      const token = await issuer.opaqueToken({})
      for (let i = 0; i < 10; i++) expect((await call(a, token)).status).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(1)
    })
    it('200 concurrent requests with a fresh token → exactly 1 call', async () => {
      const guard = guardFor()
      const a = makeApp(guard)
      await guard.ready()
      issuer.fault('introspection', { type: 'slow', delayMs: 200 })
      const token = await issuer.opaqueToken({})
      const answers = await Promise.all(Array.from({ length: 200 }, () => call(a, token)))
      expect(answers.filter((r) => r.status === 200)).toHaveLength(200)
      expect(issuer.requestCount('introspection')).toBe(1)
    })
    it('scopes are checked per route after the cache, never baked into it', async () => {
      const a = appFor()
      const token = await issuer.opaqueToken({ scope: 'profile' })
      expect((await call(a, token, '/api/me')).status).toBe(200)
      expect((await call(a, token, '/api/orders')).status).toBe(403)
      const reader = await issuer.opaqueToken({ scope: 'orders:read' })
      expect((await call(a, reader, '/api/orders')).status).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(2)
    })
    it('an entry expires after the TTL', async () => {
      const a = appFor({ cache: { ttl: 1 } })
      const token = await issuer.opaqueToken({})
      await call(a, token)
      await call(a, token)
      expect(issuer.requestCount('introspection')).toBe(1)
      await sleep(1100)
      await call(a, token)
      expect(issuer.requestCount('introspection')).toBe(2)
    })
    it('an entry never outlives the token: exp − now bounds the TTL', async () => {
      const a = appFor({ cache: { ttl: 600 } }, { clockTolerance: 0 })
      const token = await issuer.opaqueToken({ exp: now() + 2 })
      expect((await call(a, token)).status).toBe(200)
      await sleep(2100)
      await expectInvalidToken(await call(a, token))
    })
    it('a token revoked at the AS is rejected once its entry expires (the TTL trade-off)', async () => {
      const a = appFor({ cache: { ttl: 1 } })
      const token = await issuer.opaqueToken({})
      expect((await call(a, token)).status).toBe(200)
      await issuer.revoke(token)
      expect((await call(a, token)).status).toBe(200) // still cached
      await sleep(1100)
      await expectInvalidToken(await call(a, token), /not active/)
    })
    it('guard.revoke(token) evicts it at once', async () => {
      const guard = guardFor({ cache: { ttl: 600 } })
      const a = makeApp(guard)
      const token = await issuer.opaqueToken({})
      expect((await call(a, token)).status).toBe(200)
      await issuer.revoke(token)
      await guard.revoke(token)
      await expectInvalidToken(await call(a, token))
    })
    it('negative caching: an inactive token is introspected once per negativeTtl', async () => {
      const a = appFor({ cache: { negativeTtl: 1 } })
      await call(a, 'unknown-token')
      await call(a, 'unknown-token')
      expect(issuer.requestCount('introspection')).toBe(1)
      await sleep(1100)
      await call(a, 'unknown-token')
      expect(issuer.requestCount('introspection')).toBe(2)
    })
    it('ttl 0 turns the cache off', async () => {
      const a = appFor({ cache: { ttl: 0 } })
      const token = await issuer.opaqueToken({})
      await call(a, token)
      await call(a, token)
      expect(issuer.requestCount('introspection')).toBe(2)
    })
  })

  describe('tokenFormat', () => {
    it('auto: a JWS-shaped token is verified locally, an opaque one introspected', async () => {
      const a = appFor()
      const jwt = await issuer.token({ sub: 'alice' })
      const opaque = await issuer.opaqueToken({ sub: 'bob' })
      expect((await call(a, jwt)).body.format).toBe('jwt')
      expect(issuer.requestCount('introspection')).toBe(0)
      expect((await call(a, opaque)).body.format).toBe('opaque')
      expect(issuer.requestCount('introspection')).toBe(1)
    })
    it('auto: an invalid JWT is rejected, not sent to introspection', async () => {
      const a = appFor()
      await expectInvalidToken(await call(a, await issuer.token({}, { key: 'unknown' })))
      expect(issuer.requestCount('introspection')).toBe(0)
    })
    it('jwt: an opaque token → 401 without introspection', async () => {
      const a = appFor({}, { tokenFormat: 'jwt' })
      await expectInvalidToken(await call(a, await issuer.opaqueToken({})))
      expect(issuer.requestCount('introspection')).toBe(0)
    })
    it('opaque: a JWT is introspected too', async () => {
      const a = appFor({}, { tokenFormat: 'opaque' })
      const res = await call(a, await issuer.token({ sub: 'carol' }))
      expect(res.status).toBe(200)
      expect(res.body.format).toBe('opaque')
      expect(res.body.subject).toBe('carol')
      expect(issuer.requestCount('introspection')).toBe(1)
    })
    it('both formats give the same AuthInfo shape', async () => {
      const a = appFor()
      const jwt = (await call(a, await issuer.token({ sub: 'x', scope: 's' }))).body
      const opaque = (await call(a, await issuer.opaqueToken({ sub: 'x', scope: 's' }))).body
      expect(Object.keys(jwt).sort()).toEqual(Object.keys(opaque).sort())
    })
  })

  describe('signed introspection responses (RFC 9701)', () => {
    it('asks for and verifies a signed response', async () => {
      const token = await issuer.opaqueToken({ sub: 'alice' })
      const res = await call(appFor({ signedResponses: true }), token)
      expect(res.status).toBe(200)
      expect(res.body.subject).toBe('alice')
      expect(String(issuer.introspectionRequests()[0]?.headers.accept)).toContain(
        'application/token-introspection+jwt',
      )
    })
    it('an unsigned answer when a signed one was asked for → 503', async () => {
      const token = await issuer.opaqueToken({})
      issuer.fault('introspection', {
        type: 'status',
        status: 200,
        body: '{"active":true}',
        contentType: 'application/json',
      })
      await expectUnavailable(await call(appFor({ signedResponses: true }), token))
    })
  })

  describe('a real client_credentials flow', () => {
    it('a token from the /token endpoint is accepted', async () => {
      const res = await fetch(issuer.tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('test-client:test-secret').toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=orders:read',
      })
      const { access_token } = (await res.json()) as { access_token: string }
      const answer = await call(appFor(), access_token, '/api/orders')
      expect(answer.status).toBe(200)
    })
  })
})
