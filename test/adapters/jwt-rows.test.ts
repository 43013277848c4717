/** JWT rows of STANDARDS.md (RFC 9068, 8725, 7519, 7515), each through Express against a real issuer. */
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGuard, type GuardOptions } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { exportJWK, generateKeyPair } from 'jose'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(ALL_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  let other: TestIssuer
  let attacker: Server
  let attackerUrl: string
  let attackerHits = 0
  let app: App

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    other = await createTestIssuer({ audience: AUDIENCE })
    attacker = createServer((_req, res) => {
      attackerHits++
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [] }))
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/keys.json`
    app = makeApp({ issuer: issuer.url, audience: AUDIENCE, jwksCooldown: 0 })
  })
  afterAll(async () => {
    await Promise.all([issuer.close(), other.close()])
    attacker.closeAllConnections()
    attacker.close()
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
    it.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s" is never accepted', async (alg) => {
      await expectInvalidToken(await issuer.token({}, { unsigned: true, header: { alg } }))
    })
    it('alg none with a signature part is never accepted', async () => {
      const t = await issuer.token({}, { unsigned: true, header: { alg: 'none' } })
      await expectInvalidToken(`${t}c2ln`)
    })
    it('HS256 signed with the RSA public key as PEM → 401', async () => {
      await expectInvalidToken(await issuer.token({}, { secret: issuer.publicKeyPem('RS256') }))
    })
    it('HS256 signed with the RSA public key as JWK JSON → 401', async () => {
      await expectInvalidToken(
        await issuer.token({}, { secret: JSON.stringify(issuer.publicJwk('RS256')) }),
      )
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
    it('alg mismatch with the key: PS256 token, key published for RS256 → 401', async () => {
      await expectInvalidToken(await issuer.token({}, { alg: 'PS256' }))
    })
    it('a key with use "enc" is not used to verify', async () => {
      const jwk = issuer.publicJwk('RS256')
      issuer.setJwks({ keys: [{ ...jwk, use: 'enc' }] })
      await expectInvalidToken(await issuer.token({}), guardApp({}))
    })
    it('a key whose key_ops lack "verify" is not used', async () => {
      const jwk = issuer.publicJwk('RS256')
      issuer.setJwks({ keys: [{ ...jwk, use: undefined, key_ops: ['encrypt'] }] })
      await expectInvalidToken(await issuer.token({}), guardApp({}))
    })
    it('a 1024-bit RSA key is refused', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
      const jwk = { ...(await exportJWK(publicKey)), kid: 'weak', alg: 'RS256', use: 'sig' }
      issuer.setJwks({ keys: [jwk] })
      await expectInvalidToken(await issuer.token({}, { key: privateKey, header: { kid: 'weak' } }))
    })
    it('a token signed by a key not in the JWKS → 401', async () => {
      await expectInvalidToken(await issuer.token({}, { key: 'unknown' }))
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
    it('iss must equal a trusted issuer exactly: trailing slash → 401', async () => {
      await expectInvalidToken(await issuer.token({ iss: `${issuer.url}/` }))
    })
    it('iss differing in case → 401', async () => {
      await expectInvalidToken(await issuer.token({ iss: issuer.url.toUpperCase() }))
    })
    it('iss as an array → 401', async () => {
      await expectInvalidToken(await issuer.token({ iss: [issuer.url] }))
    })
    it('iss as a substring or extension of a trusted one → 401', async () => {
      await expectInvalidToken(await issuer.token({ iss: issuer.url.slice(0, -1) }))
      await expectInvalidToken(await issuer.token({ iss: `${issuer.url}.evil.example` }))
    })
    it('iss with a Unicode look-alike → 401', async () => {
      await expectInvalidToken(await issuer.token({ iss: issuer.url.replace('http', 'httр') }))
    })
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
    it('aud for another resource → 401', async () => {
      await expectInvalidToken(await issuer.token({ aud: 'https://other.example.com' }))
    })
    it('aud array containing ours → 200', async () => {
      expect(
        (await call(await issuer.token({ aud: ['https://x.example', AUDIENCE] }))).status,
      ).toBe(200)
    })
    it('aud array with non-string members → 401', async () => {
      await expectInvalidToken(await issuer.token({ aud: [AUDIENCE, 42] }))
    })
    it('no aud → 401', async () => {
      await expectInvalidToken(await issuer.token({ aud: undefined }))
    })
    it('aud with a Unicode look-alike → 401', async () => {
      await expectInvalidToken(await issuer.token({ aud: AUDIENCE.replace('a', 'а') }))
    })
    it('several configured audiences: any one is enough', async () => {
      const a = guardApp({ audience: ['https://first.example', AUDIENCE] })
      expect((await call(await issuer.token({ aud: AUDIENCE }), a)).status).toBe(200)
    })
  })

  describe('time claims (RFC 7519 §4.1.4–4.1.6)', () => {
    it('exp is required', async () => {
      await expectInvalidToken(await issuer.token({ exp: undefined }))
    })
    it('exp as a string → 401', async () => {
      await expectInvalidToken(await issuer.token({ exp: String(now() + 300) }))
    })
    it('expired beyond the leeway → 401 "Token has expired"', async () => {
      const res = await expectInvalidToken(await issuer.token({ exp: now() - 60 }))
      expect(res.headers['www-authenticate']).toContain('Token has expired')
    })
    it('expired within clockTolerance → 200', async () => {
      expect((await call(await issuer.token({ exp: now() - 10 }))).status).toBe(200)
    })
    it('nbf in the future beyond the leeway → 401', async () => {
      await expectInvalidToken(await issuer.token({ nbf: now() + 120 }))
    })
    it('iat in the future beyond the leeway → 401', async () => {
      await expectInvalidToken(await issuer.token({ iat: now() + 120 }))
    })
    it('maxTokenAge rejects tokens issued too long ago', async () => {
      const a = guardApp({ maxTokenAge: 60 })
      await expectInvalidToken(await issuer.token({ iat: now() - 600 }), a)
      expect((await call(await issuer.token({}), a)).status).toBe(200)
    })
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
    it.each(['dpop+jwt', 'id_token+jwt', 'logout+jwt'])(
      'lenient: another explicit type (%s) → 401',
      async (typ) => {
        await expectInvalidToken(await issuer.token({}, { header: { typ } }))
      },
    )
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

  describe('token structure (RFC 7515, RFC 8725 §3.7)', () => {
    it('crit with an unknown extension → 401', async () => {
      await expectInvalidToken(
        await issuer.token({}, { header: { crit: ['x-custom'], 'x-custom': 1 } }),
      )
    })
    it('b64:false → 401', async () => {
      await expectInvalidToken(await issuer.token({}, { header: { b64: false, crit: ['b64'] } }))
    })
    it('a JWE (five parts) → 401', async () => {
      await expectInvalidToken('eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn')
    })
    it('JSON serialisation (in a form body) → 401', async () => {
      const a = guardApp({ bearerMethods: ['body'] })
      const [h, p, s] = (await issuer.token({})).split('.')
      const json = JSON.stringify({ protected: h, payload: p, signature: s })
      const res = await request(a).post('/api/me').type('form').send({ access_token: json })
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toContain('invalid_token')
    })
    it('an array payload → 401', async () => {
      await expectInvalidToken(await issuer.token({}, { payload: '[1,2,3]' }))
    })
    it('invalid UTF-8 in the payload → 401', async () => {
      const claims = JSON.stringify({ iss: issuer.url, aud: AUDIENCE, exp: now() + 60, sub: 'X' })
      const bytes = Buffer.from(claims)
      bytes[bytes.indexOf(0x58)] = 0xff // 'X' → an invalid UTF-8 byte
      await expectInvalidToken(await issuer.token({}, { payload: new Uint8Array(bytes) }))
    })
    it('a token longer than maxTokenLength is rejected before parsing', async () => {
      const a = guardApp({ maxTokenLength: 100 })
      const res = await expectInvalidToken(await issuer.token({}), a)
      expect(res.headers['www-authenticate']).toContain('too long')
    })
    it('a tampered payload → 401', async () => {
      const [h, , s] = (await issuer.token({ scope: 'a' })).split('.')
      const p = Buffer.from(
        JSON.stringify({ iss: issuer.url, aud: AUDIENCE, exp: now() + 60, scope: 'admin' }),
      ).toString('base64url')
      await expectInvalidToken(`${h}.${p}.${s}`)
    })
    it('not a JWT at all → 401', async () => {
      await expectInvalidToken('opaque-token-value')
    })
  })

  describe('key-bearing headers are never fetched or trusted (RFC 8725 §3.10)', () => {
    it.each(['jku', 'x5u'])(
      '%s pointing at an attacker → 401, attacker never contacted',
      async (name) => {
        attackerHits = 0
        await expectInvalidToken(await issuer.token({}, { header: { [name]: attackerUrl } }))
        expect(attackerHits).toBe(0)
      },
    )
    it('an embedded jwk (signed by that key) → 401', async () => {
      const evil = await generateKeyPair('RS256', { extractable: true })
      const jwk = await exportJWK(evil.publicKey)
      await expectInvalidToken(
        await issuer.token({}, { key: evil.privateKey, header: { jwk, kid: undefined } }),
      )
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
    it('kid is an exact-match lookup', async () => {
      const kid = issuer.publicJwk('RS256').kid as string
      await expectInvalidToken(await issuer.token({}, { header: { kid: kid.toUpperCase() + 'x' } }))
      await expectInvalidToken(await issuer.token({}, { header: { kid: ` ${kid}` } }))
    })
  })
})
