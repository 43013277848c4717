import { createHmac, generateKeyPairSync, verify } from 'node:crypto'
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, signTokenByHand, type TestIssuer } from '../src/index.js'

const encoder = new TextEncoder()
const decodePart = (token: string, index: number) =>
  Buffer.from(token.split('.')[index] ?? '', 'base64url')

describe('forged tokens', () => {
  let issuer: TestIssuer
  let keys: ReturnType<typeof createLocalJWKSet>
  beforeAll(async () => {
    issuer = await createTestIssuer()
    keys = createLocalJWKSet(issuer.jwks())
  })
  afterAll(() => issuer.close())

  it("key: 'unknown' signs with a key that is never published, keeping the issuer's kid", async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      const jwt = await issuer.token({ sub: 'mallory' }, { alg, key: 'unknown' })
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg, kid: issuer.publicJwk(alg).kid })
      await expect(jwtVerify(jwt, keys)).rejects.toBeInstanceOf(
        errors.JWSSignatureVerificationFailed,
      )
    }
  })

  it('signs with a caller-supplied key, inferring its algorithm', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384')
    const jwt = await issuer.token({ sub: 'k' }, { key: privateKey })
    expect(decodeProtectedHeader(jwt).alg).toBe('ES384')
    expect((await jwtVerify(jwt, publicKey)).payload.sub).toBe('k')

    const jwk = await exportJWK((await generateKeyPair('EdDSA', { extractable: true })).privateKey)
    const fromJwk = await issuer.token({}, { key: jwk })
    expect(decodeProtectedHeader(fromJwk).alg).toBe('EdDSA')
    expect(Object.isFrozen(jwk)).toBe(false) // jose freezes JWKs it signs with; ours get a copy
  })

  it('signs HS256 with a shared secret', async () => {
    const secret = 'a-shared-secret-of-32-bytes-long'
    const jwt = await issuer.token({ sub: 'svc' }, { secret })
    const header = decodeProtectedHeader(jwt)
    expect(header.alg).toBe('HS256')
    const { payload } = await jwtVerify(jwt, encoder.encode(secret), { issuer: issuer.url })
    expect(payload.sub).toBe('svc')

    const hs512 = await issuer.token({}, { secret: encoder.encode(secret), alg: 'HS512' })
    await expect(jwtVerify(hs512, encoder.encode(secret))).resolves.toBeTruthy()
    await expect(issuer.token({}, { alg: 'HS256' })).rejects.toThrow(/secret/)
    await expect(issuer.token({}, { alg: 'RS256', secret })).rejects.toThrow(/HS/)
  })

  it('forges HS256 signed with the RSA public key PEM (key confusion)', async () => {
    const pem = issuer.publicKeyPem()
    const jwt = await issuer.token({ sub: 'admin' }, { secret: pem })
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'HS256', kid: issuer.publicJwk().kid })
    const [header, payload, signature] = jwt.split('.')
    const expected = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')
    expect(signature).toBe(expected)
    // A correct verifier refuses: the published key is an RSA key.
    await expect(jwtVerify(jwt, keys)).rejects.toThrow()

    const jwkBytes = encoder.encode(JSON.stringify(issuer.publicJwk()))
    const withJwk = await issuer.token({ sub: 'admin' }, { secret: jwkBytes })
    await expect(jwtVerify(withJwk, jwkBytes)).resolves.toBeTruthy()
  })

  it('uses a raw payload instead of the claims', async () => {
    const array = await issuer.token({ sub: 'ignored' }, { payload: '[1,2]' })
    expect(decodePart(array, 1).toString()).toBe('[1,2]')
    // The signature is valid, but a JWT needs a claims object.
    await expect(compactVerify(array, keys)).resolves.toBeTruthy()
    await expect(jwtVerify(array, keys)).rejects.toBeInstanceOf(errors.JWTInvalid)

    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])
    const invalidUtf8 = await issuer.token({}, { payload: bytes })
    expect(new Uint8Array(decodePart(invalidUtf8, 1))).toEqual(bytes)
    await expect(jwtVerify(invalidUtf8, keys)).rejects.toThrow()
  })

  it('signs with an empty HMAC secret, which jose refuses', async () => {
    const jwt = await issuer.token({ sub: 'e' }, { secret: '' })
    const [header, payload, signature] = jwt.split('.')
    expect(signature).toBe(
      createHmac('sha256', '').update(`${header}.${payload}`).digest('base64url'),
    )
  })

  it("treats alg: 'none' as unsigned", async () => {
    const jwt = await issuer.token({ sub: 'n' }, { alg: 'none' })
    expect(decodeProtectedHeader(jwt).alg).toBe('none')
    expect(jwt.split('.')[2]).toBe('')
  })

  it('produces unsigned tokens with an empty signature', async () => {
    const none = await issuer.token({ sub: 'root' }, { unsigned: true })
    expect(none.endsWith('.')).toBe(true)
    expect(none.split('.')).toHaveLength(3)
    expect(decodeProtectedHeader(none)).toEqual({
      alg: 'none',
      typ: 'at+jwt',
      kid: issuer.publicJwk().kid,
    })
    expect(JSON.parse(decodePart(none, 1).toString()).sub).toBe('root')
    await expect(jwtVerify(none, keys)).rejects.toThrow()

    const stripped = await issuer.token({}, { unsigned: true, header: { alg: 'RS256' } })
    expect(decodeProtectedHeader(stripped).alg).toBe('RS256')
    expect(stripped.split('.')[2]).toBe('')
    await expect(jwtVerify(stripped, keys)).rejects.toThrow()

    const noAlg = await issuer.token({}, { unsigned: true, header: { alg: undefined } })
    expect(decodeProtectedHeader(noAlg)).not.toHaveProperty('alg')
  })

  it('forges crit tokens that jose refuses to sign, with the header exactly as given', async () => {
    const jwt = await issuer.token({ sub: 'c' }, { header: { crit: ['exp'], exp: 1 } })
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'at+jwt',
      kid: issuer.publicJwk().kid,
      crit: ['exp'],
      exp: 1,
    })
    await expect(jwtVerify(jwt, keys)).rejects.toBeInstanceOf(errors.JOSENotSupported)
    // The hand-made signature is genuine: a verifier that recognises the extension accepts it.
    const result = await compactVerify(jwt, keys, { crit: { exp: true } })
    expect(result.protectedHeader.crit).toEqual(['exp'])
  })

  it('forges b64:false tokens in compact form with a base64url payload', async () => {
    const jwt = await issuer.token({ sub: 'b' }, { header: { b64: false, crit: ['b64'] } })
    expect(decodeProtectedHeader(jwt)).toMatchObject({ b64: false, crit: ['b64'] })
    expect(JSON.parse(decodePart(jwt, 1).toString()).sub).toBe('b')
    await expect(jwtVerify(jwt, keys)).rejects.toThrow()
  })

  it('forges a header alg that differs from the signing alg', async () => {
    const jwt = await issuer.token({}, { alg: 'ES256', header: { alg: 'RS256' } })
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256')
    const [header, payload, signature] = jwt.split('.')
    expect(Buffer.from(signature ?? '', 'base64url')).toHaveLength(64) // P1363 ECDSA P-256
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: issuer.publicKeyPem('ES256'), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature ?? '', 'base64url'),
    )
    expect(valid).toBe(true)
    await expect(jwtVerify(jwt, keys)).rejects.toThrow()
  })

  it('signs with a 1024-bit RSA key that jose refuses, for weak-key tests', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const jwt = await issuer.token({ sub: 'w' }, { key: weak.privateKey, header: { kid: 'weak' } })
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'RS256', kid: 'weak' })
    const [header, payload, signature] = jwt.split('.')
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        weak.publicKey,
        Buffer.from(signature ?? '', 'base64url'),
      ),
    ).toBe(true)
    await expect(jwtVerify(jwt, weak.publicKey)).rejects.toThrow(/2048/)
  })

  it('embeds arbitrary jwk headers', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true })
    const jwk = await exportJWK(attacker.publicKey)
    const jwt = await issuer.token({}, { alg: 'ES256', key: attacker.privateKey, header: { jwk } })
    expect(decodeProtectedHeader(jwt).jwk).toEqual(jwk)
    await expect(jwtVerify(jwt, keys)).rejects.toThrow()
  })
})

describe('signTokenByHand', () => {
  const payload = { sub: 'hand' }
  const crit = { crit: ['x-ext'], 'x-ext': true }
  const cases = [
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['PS384', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['ES512', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['EdDSA', () => generateKeyPairSync('ed25519')],
  ] as const

  it.each(cases)('%s signatures verify with jose', async (alg, generate) => {
    const { privateKey, publicKey } = generate()
    const jwt = signTokenByHand({ alg, ...crit }, payload, alg, privateKey)
    const result = await compactVerify(jwt, publicKey, { crit: { 'x-ext': true } })
    expect(JSON.parse(new TextDecoder().decode(result.payload))).toEqual(payload)
  })

  it('HS256 signatures verify with jose', async () => {
    const secret = encoder.encode('x'.repeat(32))
    const jwt = signTokenByHand({ alg: 'HS256', ...crit }, payload, 'HS256', secret)
    await expect(compactVerify(jwt, secret, { crit: { 'x-ext': true } })).resolves.toBeTruthy()
  })

  it('rejects algorithms it cannot compute', () => {
    expect(() => signTokenByHand({ alg: 'XX' }, payload, 'XX', new Uint8Array(1))).toThrow(
      /Unsupported/,
    )
  })
})
