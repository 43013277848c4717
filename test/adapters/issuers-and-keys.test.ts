/**
 * Issuers, keys and JWT policy options through every adapter: what needs more than one request
 * (network-call counts, several issuers, key rotation). The single-request rows of the attack
 * corpus are in test/conformance.
 */
import { createGuard, type GuardOptions } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { exportJWK, generateKeyPair } from 'jose'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(ALL_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  let other: TestIssuer
  let app: App

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    other = await createTestIssuer({ audience: AUDIENCE })
    app = makeApp({ issuer: issuer.url, audience: AUDIENCE, jwksCooldown: 0 })
  })
  afterAll(async () => {
    await Promise.all([issuer.close(), other.close()])
  })
  afterEach(() => issuer.setJwks(undefined))

  const now = () => Math.floor(Date.now() / 1000)
  const call = (token: string, a = app) =>
    request(a).get('/api/me').set('Authorization', `Bearer ${token}`)
  async function expectInvalidToken(token: string, a = app) {
    const res = await call(token, a)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/)
    return res
  }
  const guardApp = (options: Partial<GuardOptions>) =>
    makeApp({ issuer: issuer.url, audience: AUDIENCE, ...options } as GuardOptions)

  describe('algorithms (RFC 8725 §3.1)', () => {
    it('a valid RS256 token is accepted', async () => {
      expect((await call(await issuer.token({}))).status).toBe(200)
    })
    it('a valid ES256 token is accepted', async () => {
      expect((await call(await issuer.token({}, { alg: 'ES256' }))).status).toBe(200)
    })
    it('a valid EdDSA token is accepted', async () => {
      expect((await call(await issuer.token({}, { alg: 'EdDSA' }))).status).toBe(200)
    })
    it('alg none with a signature part is never accepted', async () => {
      const t = await issuer.token({}, { unsigned: true, header: { alg: 'none' } })
      await expectInvalidToken(`${t}c2ln`)
    })
    it('HS* is accepted only with an explicit secret', async () => {
      const secret = 'a-shared-secret-of-at-least-32-bytes!'
      const a = guardApp({ secret })
      expect((await call(await issuer.token({}, { secret }), a)).status).toBe(200)
      await expectInvalidToken(
        await issuer.token({}, { secret: 'another-secret-of-at-least-32-bytes!!' }),
        a,
      )
      await expectInvalidToken(await issuer.token({}), a) // an RS256 token for an HS-only issuer
    })
    it('an algorithm outside the allow-list is rejected before any key fetch', async () => {
      const fresh = await createTestIssuer({ audience: AUDIENCE })
      try {
        const a = makeApp({ issuer: fresh.url, audience: AUDIENCE, algorithms: ['ES256'] })
        await expectInvalidToken(await fresh.token({}, { alg: 'RS256' }), a)
        expect(fresh.requestCount('jwks')).toBe(0)
        expect(fresh.requestCount('discovery')).toBe(0)
      } finally {
        await fresh.close()
      }
    })
    it("duplicate kids: each of the issuer's keys is tried, a foreign key still fails", async () => {
      const second = await generateKeyPair('RS256', { extractable: true })
      const jwk = issuer.publicJwk('RS256')
      const secondJwk = {
        ...(await exportJWK(second.publicKey)),
        kid: jwk.kid,
        alg: 'RS256',
        use: 'sig',
      }
      issuer.setJwks({ keys: [jwk, secondJwk] })
      const a = guardApp({})
      expect(
        (
          await call(
            await issuer.token({}, { key: second.privateKey, header: { kid: jwk.kid } }),
            a,
          )
        ).status,
      ).toBe(200)
      expect((await call(await issuer.token({}), a)).status).toBe(200)
      await expectInvalidToken(
        await issuer.token({}, { key: 'unknown', header: { kid: jwk.kid } }),
        a,
      )
    })
  })

  describe('issuer (RFC 8725 §3.8, RFC 9068 §4)', () => {
    it('an untrusted iss is rejected before any network call', async () => {
      const fresh = await createTestIssuer({ audience: AUDIENCE })
      try {
        const a = makeApp({ issuer: fresh.url, audience: AUDIENCE })
        await expectInvalidToken(await fresh.token({ iss: 'https://evil.example' }), a)
        expect(fresh.requestCount('discovery')).toBe(0)
        expect(fresh.requestCount('jwks')).toBe(0)
      } finally {
        await fresh.close()
      }
    })
    it("several issuers: each one's tokens verify with its own keys only", async () => {
      const a = makeApp({
        issuer: [issuer.url, other.url],
        audience: AUDIENCE,
        jwksCooldown: 0,
      })
      expect((await call(await issuer.token({ sub: 'from-a' }), a)).body.issuer).toBe(issuer.url)
      expect((await call(await other.token({ sub: 'from-b' }), a)).body.issuer).toBe(other.url)
      // a token claiming issuer A, signed with issuer B's key (B's kid, then A's kid)
      await expectInvalidToken(await other.token({ iss: issuer.url }), a)
      await expectInvalidToken(
        await other.token({ iss: issuer.url }, { header: { kid: issuer.publicJwk('RS256').kid } }),
        a,
      )
    })
    it("IssuerConfig: an issuer's own audience and algorithms", async () => {
      const a = makeApp({
        issuer: [
          { issuer: other.url, audience: 'https://other-api.example.com', algorithms: ['ES256'] },
        ],
        audience: AUDIENCE,
      })
      expect(
        (
          await call(
            await other.token({ aud: 'https://other-api.example.com' }, { alg: 'ES256' }),
            a,
          )
        ).status,
      ).toBe(200)
      await expectInvalidToken(await other.token({ aud: AUDIENCE }, { alg: 'ES256' }), a)
      await expectInvalidToken(
        await other.token({ aud: 'https://other-api.example.com' }, { alg: 'RS256' }),
        a,
      )
    })
  })

  describe('audience (RFC 9068 §4, RFC 7519 §4.1.3)', () => {
    it('several configured audiences: any one is enough', async () => {
      const a = guardApp({ audience: ['https://first.example', AUDIENCE] })
      expect((await call(await issuer.token({ aud: AUDIENCE }), a)).status).toBe(200)
    })
  })

  describe('time claims (RFC 7519 §4.1.4–4.1.6)', () => {
    it('clockTolerance: 0 is exact', async () => {
      const a = guardApp({ clockTolerance: 0 })
      await expectInvalidToken(await issuer.token({ exp: now() - 2 }), a)
    })
    it('requiredClaims are enforced', async () => {
      const a = guardApp({ requiredClaims: ['exp', 'sub'] })
      await expectInvalidToken(await issuer.token({ sub: undefined }), a)
      expect((await call(await issuer.token({ sub: 'x' }), a)).status).toBe(200)
    })
  })

  describe('typ (RFC 9068 §2.1, RFC 8725 §3.11)', () => {
    it('lenient: at+jwt, JWT and no typ are accepted', async () => {
      for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', undefined]) {
        expect((await call(await issuer.token({}, { header: { typ } }))).status).toBe(200)
      }
    })
    it('strict: only at+jwt with the RFC 9068 claims', async () => {
      const a = guardApp({ typ: 'strict' })
      const full = { sub: 'alice', client_id: 'c', jti: 'j' }
      expect((await call(await issuer.token(full), a)).status).toBe(200)
      expect(
        (await call(await issuer.token(full, { header: { typ: 'Application/AT+JWT' } }), a)).status,
      ).toBe(200)
      await expectInvalidToken(await issuer.token(full, { header: { typ: 'JWT' } }), a)
      await expectInvalidToken(await issuer.token(full, { header: { typ: undefined } }), a)
      await expectInvalidToken(await issuer.token({ ...full, sub: undefined }), a)
      await expectInvalidToken(await issuer.token({ ...full, client_id: undefined }), a)
    })
  })

  describe('kid and key rotation (RFC 7515 §4.1.4)', () => {
    it('a rotated-in key verifies at once (unknown kid → one refetch)', async () => {
      const fresh = await createTestIssuer({ audience: AUDIENCE })
      try {
        const guard = createGuard({ issuer: fresh.url, audience: AUDIENCE, jwksCooldown: 0 })
        const a = makeApp(guard)
        expect((await call(await fresh.token({}), a)).status).toBe(200)
        await fresh.rotateKeys()
        const before = fresh.requestCount('jwks')
        expect((await call(await fresh.token({}), a)).status).toBe(200)
        expect(fresh.requestCount('jwks')).toBe(before + 1)
      } finally {
        await fresh.close()
      }
    })
    it('a removed key stops verifying after the refresh', async () => {
      const fresh = await createTestIssuer({ audience: AUDIENCE })
      try {
        const a = makeApp({ issuer: fresh.url, audience: AUDIENCE, jwksCooldown: 0 })
        const old = await fresh.token({})
        expect((await call(old, a)).status).toBe(200)
        await fresh.rotateKeys()
        expect((await call(await fresh.token({}), a)).status).toBe(200) // triggers the refresh
        await expectInvalidToken(old, a)
      } finally {
        await fresh.close()
      }
    })
  })
})
