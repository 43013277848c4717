import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'
import { basic, introspect, postForm, TEST_CLIENT_BASIC } from './oauth-client.js'

const AUDIENCE = 'https://default-audience.example'

describe('POST /token', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({
      audience: AUDIENCE,
      tokenTtl: 90,
      clients: [
        { clientId: 'test-client', clientSecret: 'test-secret' },
        {
          clientId: 'orders-api',
          clientSecret: 'orders-secret',
          scope: 'orders:read orders:write',
        },
      ],
    })
  })
  afterAll(() => issuer.close())

  const requestToken = (params: Record<string, string>, headers?: Record<string, string>) =>
    postForm(issuer.tokenEndpoint, { grant_type: 'client_credentials', ...params }, headers)

  it('issues an opaque token to a client_secret_basic client, which then introspects active', async () => {
    const response = await requestToken({ scope: 'a b' }, { authorization: TEST_CLIENT_BASIC })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 90,
      scope: 'a b',
    })
    const token = body.access_token as string
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/)

    const before = Math.floor(Date.now() / 1000)
    const claims = await introspect(issuer.introspectionEndpoint, token)
    expect(claims).toMatchObject({
      active: true,
      iss: issuer.url,
      client_id: 'test-client',
      sub: 'test-client',
      scope: 'a b',
      token_type: 'Bearer',
      aud: AUDIENCE,
    })
    expect(claims.exp).toBe((claims.iat as number) + 90)
    expect(claims.iat).toBeGreaterThanOrEqual(before - 5)
  })

  it('accepts client_secret_post', async () => {
    const response = await requestToken({ client_id: 'orders-api', client_secret: 'orders-secret' })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    // No scope requested: the client gets all the scopes it may have.
    expect(body.scope).toBe('orders:read orders:write')
    const claims = await introspect(issuer.introspectionEndpoint, body.access_token as string)
    expect(claims).toMatchObject({ active: true, client_id: 'orders-api' })
  })

  it('issues a JWT for a resource, verifying against the JWKS with aud = resource', async () => {
    const resource = 'https://orders.example.com/api'
    const response = await requestToken(
      { scope: 'orders:read', resource },
      { authorization: basic('orders-api', 'orders-secret') },
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 90, scope: 'orders:read' })
    const jwt = body.access_token as string
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.url,
      audience: resource,
      typ: 'at+jwt',
    })
    expect(payload).toMatchObject({
      aud: resource,
      sub: 'orders-api',
      client_id: 'orders-api',
      scope: 'orders:read',
    })
    expect(payload.exp).toBe((payload.iat as number) + 90)
    expect(decodeProtectedHeader(jwt).kid).toBe(issuer.publicJwk().kid)
  })

  it('puts every requested resource in aud, and rejects a resource that is not an absolute URI', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    form.append('resource', 'https://a.example')
    form.append('resource', 'https://b.example')
    const response = await postForm(issuer.tokenEndpoint, form, {
      authorization: TEST_CLIENT_BASIC,
    })
    const { access_token } = (await response.json()) as { access_token: string }
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(issuer.jwksUri)))
    expect(payload.aud).toEqual(['https://a.example', 'https://b.example'])
    expect(payload).not.toHaveProperty('scope')

    for (const resource of ['relative/path', 'https://a.example/#fragment']) {
      const bad = await requestToken({ resource }, { authorization: TEST_CLIENT_BASIC })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: string }).error).toBe('invalid_target')
    }
  })

  it('answers 401 invalid_client for a wrong secret, an unknown client or no authentication', async () => {
    const attempts = [
      requestToken({}, { authorization: basic('test-client', 'wrong') }),
      requestToken({ client_id: 'test-client', client_secret: 'wrong' }),
      requestToken({}, { authorization: basic('nobody', 'test-secret') }),
      requestToken({ client_id: 'test-client' }),
      requestToken({}),
    ]
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client')
    }
  })

  it('answers 400 invalid_scope for a scope outside the allowed ones', async () => {
    const response = await requestToken(
      { scope: 'orders:read admin' },
      { authorization: basic('orders-api', 'orders-secret') },
    )
    expect(response.status).toBe(400)
    const body = (await response.json()) as Record<string, unknown>
    expect(body.error).toBe('invalid_scope')
    expect(body.error_description).toContain('admin')

    const malformed = await requestToken({ scope: 'a"b' }, { authorization: TEST_CLIENT_BASIC })
    expect(((await malformed.json()) as { error: string }).error).toBe('invalid_scope')
  })

  it('rejects other grant types, a missing grant type and two authentication methods', async () => {
    const password = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'password', username: 'a', password: 'b' },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(password.status).toBe(400)
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' })

    const missing = await postForm(issuer.tokenEndpoint, {}, { authorization: TEST_CLIENT_BASIC })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' })

    const both = await requestToken(
      { client_id: 'test-client', client_secret: 'test-secret' },
      { authorization: TEST_CLIENT_BASIC },
    )
    expect(both.status).toBe(400)
    expect(await both.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('form-urldecodes Basic credentials and survives malformed ones', async () => {
    issuer.addClient({ clientId: 'odd id:é', clientSecret: 'p@ss word+%&=' })
    const good = await requestToken({}, { authorization: basic('odd id:é', 'p@ss word+%&=') })
    expect(good.status).toBe(200)
    const { access_token } = (await good.json()) as { access_token: string }
    expect(await introspect(issuer.introspectionEndpoint, access_token)).toMatchObject({
      active: true,
      client_id: 'odd id:é',
    })

    const malformed = [
      'Basic !!!not-base64!!!',
      'Basic',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      `Basic ${Buffer.from('test-client:%E0%A4%A').toString('base64')}`,
      `Basic ${Buffer.from([0xff, 0xfe, 0x3a]).toString('base64')}`,
    ]
    for (const authorization of malformed) {
      const response = await requestToken({}, { authorization })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    }
  })

  it('lets addClient() replace a client', async () => {
    issuer.addClient({ clientId: 'rotating', clientSecret: 'first' })
    issuer.addClient({ clientId: 'rotating', clientSecret: 'second', scope: 'x' })
    expect((await requestToken({}, { authorization: basic('rotating', 'first') })).status).toBe(401)
    const response = await requestToken({}, { authorization: basic('rotating', 'second') })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { scope: string }).scope).toBe('x')
    expect(() => issuer.addClient({ clientId: '' })).toThrow(TypeError)
    expect(() => issuer.addClient({ clientId: 'x', jwks: {} as never })).toThrow(TypeError)
    await expect(
      createTestIssuer({ clients: [{ clientId: 'x', clientSecret: 42 as never }] }),
    ).rejects.toThrow(TypeError)
  })
})
