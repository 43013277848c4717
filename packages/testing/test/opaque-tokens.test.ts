import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'
import { introspect, postForm, TEST_CLIENT_BASIC } from './oauth-client.js'

const AUDIENCE = ['https://a.example', 'https://b.example']

describe('issuer.opaqueToken()', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['EdDSA'], audience: AUDIENCE, tokenTtl: 60 })
  })
  afterAll(() => issuer.close())

  const answerFor = (token: string) => introspect(issuer.introspectionEndpoint, token)

  it('returns distinct random base64url tokens without dots', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => issuer.opaqueToken()))
    expect(new Set(tokens).size).toBe(20)
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32)
    }
  })

  it('introspects with the default claims', async () => {
    const before = Math.floor(Date.now() / 1000)
    const token = await issuer.opaqueToken()
    const answer = await answerFor(token)
    expect(answer).toEqual({
      active: true,
      iss: issuer.url,
      client_id: 'test-client',
      token_type: 'Bearer',
      iat: expect.any(Number),
      exp: expect.any(Number),
      aud: AUDIENCE,
    })
    expect(answer.iat).toBeGreaterThanOrEqual(before)
    expect(answer.exp).toBe((answer.iat as number) + 60)
    expect(answer).not.toHaveProperty('sub')
  })

  it('lets claims override the defaults and removes claims set to undefined', async () => {
    const token = await issuer.opaqueToken({
      sub: 'alice',
      scope: 'orders:read',
      client_id: 'other-client',
      aud: undefined,
      iat: undefined,
      cnf: { 'x5t#S256': 'abc' },
    })
    expect(await answerFor(token)).toEqual({
      active: true,
      iss: issuer.url,
      client_id: 'other-client',
      sub: 'alice',
      scope: 'orders:read',
      token_type: 'Bearer',
      exp: expect.any(Number),
      cnf: { 'x5t#S256': 'abc' },
    })
  })

  it('copies the claims it is given', async () => {
    const claims = { sub: 'bob', roles: ['reader'] }
    const token = await issuer.opaqueToken(claims)
    claims.roles.push('admin')
    expect((await answerFor(token)).roles).toEqual(['reader'])
  })

  it('answers active: false for expired and unknown tokens', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = await issuer.opaqueToken({ exp: now - 1 })
    expect(await answerFor(expired)).toEqual({ active: false })
    const expiringNow = await issuer.opaqueToken({ exp: now })
    expect(await answerFor(expiringNow)).toEqual({ active: false })
    const noExpiry = await issuer.opaqueToken({ exp: undefined })
    expect(await answerFor(noExpiry)).toMatchObject({ active: true })
    expect(await answerFor('never-issued')).toEqual({ active: false })
    expect(await answerFor('')).toEqual({ active: false })
  })

  it('answers raw bodies exactly, whatever their shape, expiry or revocation', async () => {
    const bodies = [
      { active: 'true' },
      { active: true, exp: 'soon' },
      { active: true, exp: 1 },
      { sub: 'no-active-member' },
      {},
    ]
    for (const raw of bodies) {
      const token = await issuer.opaqueToken({ sub: 'ignored' }, { raw })
      issuer.revoke(token)
      expect(await answerFor(token)).toEqual(raw)
    }
  })

  it('is revoked by issuer.revoke() and by the revocation endpoint', async () => {
    const viaIssuer = await issuer.opaqueToken({ sub: 'alice' })
    expect(await answerFor(viaIssuer)).toMatchObject({ active: true })
    issuer.revoke(viaIssuer)
    expect(await answerFor(viaIssuer)).toEqual({ active: false })

    const viaEndpoint = await issuer.opaqueToken({ sub: 'alice' })
    const response = await postForm(
      issuer.revocationEndpoint,
      { token: viaEndpoint, token_type_hint: 'access_token' },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    expect(await answerFor(viaEndpoint)).toEqual({ active: false })
  })
})

describe('POST /revoke', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })
  afterAll(() => issuer.close())

  it('answers 200 with an empty body for unknown tokens', async () => {
    const response = await postForm(
      issuer.revocationEndpoint,
      { token: 'not-a-token' },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe('0')
    expect(await response.text()).toBe('')
  })

  it('revokes a JWT by its exact string', async () => {
    const jwt = await issuer.token({ sub: 'alice' })
    const sibling = await issuer.token({ sub: 'alice' })
    expect(await introspect(issuer.introspectionEndpoint, jwt)).toMatchObject({ active: true })
    const response = await postForm(
      issuer.revocationEndpoint,
      { token: jwt },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(response.status).toBe(200)
    expect(await introspect(issuer.introspectionEndpoint, jwt)).toEqual({ active: false })
    expect(await introspect(issuer.introspectionEndpoint, sibling)).toMatchObject({ active: true })
  })

  it('requires client authentication and a token', async () => {
    const token = await issuer.opaqueToken()
    const anonymous = await postForm(issuer.revocationEndpoint, { token })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
    expect(await anonymous.json()).toMatchObject({ error: 'invalid_client' })
    expect(await introspect(issuer.introspectionEndpoint, token)).toMatchObject({ active: true })

    const missing = await postForm(
      issuer.revocationEndpoint,
      {},
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' })
  })
})
