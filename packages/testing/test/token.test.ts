import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'

const AUDIENCE = 'https://api.example.com'

describe('issuer.token()', () => {
  let issuer: TestIssuer
  let jwks: ReturnType<typeof createRemoteJWKSet>
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 120 })
    jwks = createRemoteJWKSet(new URL(issuer.jwksUri))
  })
  afterAll(() => issuer.close())

  it('mints an at+jwt that verifies against the served JWKS', async () => {
    const before = Math.floor(Date.now() / 1000)
    const jwt = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: issuer.url,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    })
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: issuer.publicJwk().kid })
    expect(payload).toMatchObject({
      iss: issuer.url,
      sub: 'alice',
      scope: 'orders:read',
      aud: AUDIENCE,
      client_id: 'test-client',
    })
    expect(payload.iat).toBeGreaterThanOrEqual(before)
    expect(payload.exp).toBe((payload.iat as number) + 120)
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(decodeJwt(await issuer.token()).jti).not.toBe(payload.jti)
  })

  it.each(['ES256', 'EdDSA'])('signs %s with its published key', async (alg) => {
    const jwt = await issuer.token({ sub: 'bob' }, { alg })
    const { protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: issuer.url,
      audience: AUDIENCE,
    })
    expect(protectedHeader.alg).toBe(alg)
    expect(protectedHeader.kid).toBe(issuer.publicJwk(alg).kid)
  })

  it('signs PS256 with the published RSA key', async () => {
    const jwt = await issuer.token({ sub: 'carol' }, { alg: 'PS256' })
    const header = decodeProtectedHeader(jwt)
    expect(header).toMatchObject({ alg: 'PS256', kid: issuer.publicJwk('RS256').kid })
    const key = await importSPKI(issuer.publicKeyPem('PS256'), 'PS256')
    const { payload } = await jwtVerify(jwt, key)
    expect(payload.sub).toBe('carol')
    // The published JWK is bound to RS256, so a JWKS-based verifier must not accept it.
    await expect(jwtVerify(jwt, jwks)).rejects.toThrow()
  })

  it('signs unpublished algorithms with a lazily generated key', async () => {
    const jwt = await issuer.token({}, { alg: 'ES384' })
    expect(decodeProtectedHeader(jwt)).toMatchObject({
      alg: 'ES384',
      kid: issuer.publicJwk('ES384').kid,
    })
    expect(issuer.jwks().keys.map((key) => key.kid)).not.toContain(issuer.publicJwk('ES384').kid)
    const key = await importSPKI(issuer.publicKeyPem('ES384'), 'ES384')
    await expect(jwtVerify(jwt, key)).resolves.toBeTruthy()
    await expect(jwtVerify(jwt, jwks)).rejects.toThrow()
  })

  it('lets claims override defaults and removes claims set to undefined', async () => {
    const jwt = await issuer.token({
      iss: 'https://other',
      aud: ['a', 'b'],
      exp: undefined,
      client_id: undefined,
      jti: 'fixed',
    })
    const payload = decodeJwt(jwt)
    expect(payload).toMatchObject({ iss: 'https://other', aud: ['a', 'b'], jti: 'fixed' })
    expect(payload).not.toHaveProperty('exp')
    expect(payload).not.toHaveProperty('client_id')
    expect(payload).toHaveProperty('iat')
  })

  it('merges header fields and removes those set to undefined', async () => {
    const jwt = await issuer.token(
      {},
      { header: { typ: 'JWT', kid: undefined, jku: 'http://evil.example/jwks' } },
    )
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      jku: 'http://evil.example/jwks',
    })
    await expect(jwtVerify(jwt, jwks, { typ: 'at+jwt' })).rejects.toThrow()
  })

  it('omits aud when the issuer has no audience', async () => {
    const plain = await createTestIssuer({ algorithms: ['EdDSA'] })
    try {
      const payload = decodeJwt(await plain.token({ sub: 'x' }))
      expect(payload).not.toHaveProperty('aud')
      expect(decodeProtectedHeader(await plain.token()).alg).toBe('EdDSA')
      expect(payload.exp).toBe((payload.iat as number) + 300)
    } finally {
      await plain.close()
    }
  })
})
