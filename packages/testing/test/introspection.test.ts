import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'
import { introspect, postForm, TEST_CLIENT_BASIC } from './oauth-client.js'

const SIGNED = 'application/token-introspection+jwt'

describe('POST /introspect', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: 'https://api.example.com' })
  })
  afterAll(() => issuer.close())
  beforeEach(() => issuer.resetCounts())

  const answerFor = (token: string) => introspect(issuer.introspectionEndpoint, token)

  it('answers a valid JWT of this issuer with its payload', async () => {
    const jwt = await issuer.token({ sub: 'alice', scope: 'orders:read' }, { alg: 'ES256' })
    const response = await postForm(
      issuer.introspectionEndpoint,
      { token: jwt },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ active: true, ...decodeJwt(jwt), token_type: 'Bearer' })
  })

  it.each([
    ['expired', () => issuer.token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed by an unpublished key', () => issuer.token({}, { key: 'unknown' })],
    ['unsigned', () => issuer.token({}, { unsigned: true })],
    ['HS256 signed with the public key', () => issuer.token({}, { secret: issuer.publicKeyPem() })],
    ['from another issuer', () => issuer.token({ iss: 'https://other.example' })],
    ['not yet valid', () => issuer.token({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    [
      'with a tampered payload',
      async () => {
        const [header, , signature] = (await issuer.token({ sub: 'bob' })).split('.')
        return `${header}.${Buffer.from('{"sub":"root"}').toString('base64url')}.${signature}`
      },
    ],
    ['garbage with dots', async () => 'a.b.c'],
  ])('answers active: false for a JWT %s', async (_name, make) => {
    expect(await answerFor(await make())).toEqual({ active: false })
  })

  it('stops answering active for JWTs signed with keys rotated away', async () => {
    const plain = await createTestIssuer({ algorithms: ['ES256'] })
    try {
      const jwt = await plain.token()
      await plain.rotateKeys({ keepPrevious: true })
      expect(await introspect(plain.introspectionEndpoint, jwt)).toMatchObject({ active: true })
      await plain.rotateKeys()
      expect(await introspect(plain.introspectionEndpoint, jwt)).toEqual({ active: false })
    } finally {
      await plain.close()
    }
  })

  it('answers a signed JWT when Accept asks for application/token-introspection+jwt', async () => {
    const token = await issuer.opaqueToken({ sub: 'alice' })
    const plainAnswer = await answerFor(token)
    const before = Math.floor(Date.now() / 1000)
    const response = await postForm(
      issuer.introspectionEndpoint,
      { token },
      { authorization: TEST_CLIENT_BASIC, accept: `application/json;q=0.5, ${SIGNED}` },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(SIGNED)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const jwt = await response.text()
    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      createRemoteJWKSet(new URL(issuer.jwksUri)),
      { issuer: issuer.url, audience: 'test-client', typ: 'token-introspection+jwt' },
    )
    expect(protectedHeader).toEqual({
      alg: 'RS256',
      kid: issuer.publicJwk().kid,
      typ: 'token-introspection+jwt',
    })
    expect(payload.token_introspection).toEqual(plainAnswer)
    expect(payload.iat).toBeGreaterThanOrEqual(before)

    issuer.revoke(token)
    const inactive = await postForm(
      issuer.introspectionEndpoint,
      { token },
      { authorization: TEST_CLIENT_BASIC, accept: SIGNED },
    )
    const verified = await jwtVerify(await inactive.text(), createLocalJWKSet(issuer.jwks()))
    expect(verified.payload.token_introspection).toEqual({ active: false })
  })

  it('answers JSON when the signed type is refused with q=0', async () => {
    const response = await postForm(
      issuer.introspectionEndpoint,
      { token: 'x' },
      { authorization: TEST_CLIENT_BASIC, accept: `${SIGNED};q=0, application/json` },
    )
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ active: false })
  })

  it('requires a token parameter', async () => {
    const response = await postForm(
      issuer.introspectionEndpoint,
      { token_type_hint: 'access_token' },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('counts requests per endpoint and records introspection requests in order', async () => {
    const token = await issuer.opaqueToken()
    await postForm(
      issuer.introspectionEndpoint,
      { token, token_type_hint: 'access_token' },
      { authorization: TEST_CLIENT_BASIC, 'x-request-id': 'first' },
    )
    await postForm(issuer.introspectionEndpoint, {
      token,
      client_id: 'test-client',
      client_secret: 'test-secret',
    })
    await postForm(issuer.introspectionEndpoint, { token, token_type_hint: 'refresh_token' })
    await postForm(issuer.tokenEndpoint, { grant_type: 'client_credentials' })
    await postForm(issuer.revocationEndpoint, { token: 'x' }, { authorization: TEST_CLIENT_BASIC })
    await fetch(issuer.jwksUri)

    expect(issuer.requestCount('introspection')).toBe(3)
    expect(issuer.requestCount('token')).toBe(1)
    expect(issuer.requestCount('revocation')).toBe(1)
    expect(issuer.requestCount('all')).toBe(6)

    const recorded = issuer.introspectionRequests()
    expect(recorded).toHaveLength(3)
    expect(recorded[0]).toEqual({
      headers: expect.objectContaining({
        authorization: TEST_CLIENT_BASIC,
        'x-request-id': 'first',
        'content-type': 'application/x-www-form-urlencoded',
      }),
      params: { token, token_type_hint: 'access_token' },
      clientId: 'test-client',
      authMethod: 'client_secret_basic',
    })
    expect(recorded[1]).toMatchObject({
      params: { token, client_id: 'test-client', client_secret: 'test-secret' },
      clientId: 'test-client',
      authMethod: 'client_secret_post',
    })
    // A request whose client authentication failed is recorded without a client.
    expect(recorded[2]?.params).toEqual({ token, token_type_hint: 'refresh_token' })
    expect(recorded[2]).not.toHaveProperty('clientId')
    expect(recorded[2]).not.toHaveProperty('authMethod')

    recorded.pop()
    expect(issuer.introspectionRequests()).toHaveLength(3)
    issuer.resetCounts()
    expect(issuer.introspectionRequests()).toEqual([])
    expect(issuer.requestCount('introspection')).toBe(0)
  })
})
