import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'
import { basic, postForm } from './oauth-client.js'

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

describe('client authentication at the introspection endpoint', () => {
  let issuer: TestIssuer
  let clientKey: CryptoKey
  let otherKey: CryptoKey
  let publicJwk: JWK
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    clientKey = pair.privateKey
    publicJwk = { ...(await exportJWK(pair.publicKey)), alg: 'ES256', kid: 'client-key-1' }
    otherKey = (await generateKeyPair('ES256')).privateKey
    issuer = await createTestIssuer({ path: '/tenant', algorithms: ['ES256'] })
    issuer.addClient({ clientId: 'signer', jwks: { keys: [publicJwk] } })
  })
  afterAll(() => issuer.close())

  const assertion = (
    overrides: { key?: CryptoKey; aud?: string; exp?: number; iss?: string; sub?: string } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'client-key-1' })
      .setIssuer(overrides.iss ?? 'signer')
      .setSubject(overrides.sub ?? 'signer')
      .setAudience(overrides.aud ?? issuer.introspectionEndpoint)
      .setIssuedAt(now)
      .setExpirationTime(overrides.exp ?? now + 60)
      .setJti(crypto.randomUUID())
      .sign(overrides.key ?? clientKey)
  }

  const introspectWithAssertion = async (
    clientAssertion: string,
    extra: Record<string, string> = {},
  ) =>
    postForm(issuer.introspectionEndpoint, {
      token: 'whatever',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
      ...extra,
    })

  it('accepts client_secret_basic and client_secret_post', async () => {
    const viaBasic = await postForm(
      issuer.introspectionEndpoint,
      { token: 'x' },
      { authorization: basic('test-client', 'test-secret') },
    )
    expect(viaBasic.status).toBe(200)
    expect(await viaBasic.json()).toEqual({ active: false })

    const viaPost = await postForm(issuer.introspectionEndpoint, {
      token: 'x',
      client_id: 'test-client',
      client_secret: 'test-secret',
    })
    expect(viaPost.status).toBe(200)
    expect(await viaPost.json()).toEqual({ active: false })
  })

  it('accepts a private_key_jwt assertion for the endpoint, the issuer or the token endpoint', async () => {
    for (const aud of [issuer.introspectionEndpoint, issuer.url, issuer.tokenEndpoint]) {
      const response = await introspectWithAssertion(await assertion({ aud }))
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ active: false })
    }
    const withClientId = await introspectWithAssertion(await assertion(), { client_id: 'signer' })
    expect(withClientId.status).toBe(200)
    expect(issuer.introspectionRequests().at(-1)).toMatchObject({
      clientId: 'signer',
      authMethod: 'private_key_jwt',
    })
  })

  it.each([
    ['signed by another key', () => assertion({ key: otherKey })],
    ['expired', () => assertion({ exp: Math.floor(Date.now() / 1000) - 10 })],
    ['for another audience', () => assertion({ aud: 'https://elsewhere.example' })],
    ['for another endpoint', () => assertion({ aud: issuer.revocationEndpoint })],
    ['with sub different from iss', () => assertion({ sub: 'someone-else' })],
    ['from an unknown client', () => assertion({ iss: 'stranger', sub: 'stranger' })],
    ['from a client without keys', () => assertion({ iss: 'test-client', sub: 'test-client' })],
    ['that is not a JWT', async () => 'garbage'],
    [
      'that is a JWT with an empty signature',
      async () => `${(await assertion()).split('.').slice(0, 2).join('.')}.`,
    ],
  ])('rejects an assertion %s with 401', async (_name, make) => {
    const response = await introspectWithAssertion(await make())
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('rejects a wrong assertion type, a missing assertion and a mismatching client_id', async () => {
    const wrongType = await postForm(issuer.introspectionEndpoint, {
      token: 'x',
      client_assertion_type: 'urn:example:other',
      client_assertion: await assertion(),
    })
    expect(wrongType.status).toBe(401)

    const missing = await postForm(issuer.introspectionEndpoint, {
      token: 'x',
      client_assertion_type: ASSERTION_TYPE,
    })
    expect(missing.status).toBe(401)

    const mismatch = await introspectWithAssertion(await assertion(), { client_id: 'test-client' })
    expect(mismatch.status).toBe(401)
  })

  it('rejects unauthenticated requests with 401 and two methods at once with 400', async () => {
    const anonymous = await postForm(issuer.introspectionEndpoint, { token: 'x' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
    expect(await anonymous.json()).toMatchObject({ error: 'invalid_client' })

    const bearer = await postForm(
      issuer.introspectionEndpoint,
      { token: 'x' },
      { authorization: 'Bearer abc' },
    )
    expect(bearer.status).toBe(401)

    const twoMethods = await postForm(
      issuer.introspectionEndpoint,
      { token: 'x', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion() },
      { authorization: basic('test-client', 'test-secret') },
    )
    expect(twoMethods.status).toBe(400)
    expect(await twoMethods.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('authenticates token requests with private_key_jwt too', async () => {
    const response = await postForm(issuer.tokenEndpoint, {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion({ aud: issuer.tokenEndpoint }),
    })
    expect(response.status).toBe(200)
    const { access_token } = (await response.json()) as { access_token: string }
    const answer = await postForm(
      issuer.introspectionEndpoint,
      { token: access_token },
      { authorization: basic('test-client', 'test-secret') },
    )
    expect(await answer.json()).toMatchObject({ active: true, client_id: 'signer' })
  })
})
