import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'

const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']
const ASSERTION_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]

async function getJson(url: string): Promise<{
  status: number
  type: string | null
  body: Record<string, unknown>
}> {
  const response = await fetch(url)
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  }
}

describe('discovery for a root issuer', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer()
  })
  afterAll(() => issuer.close())

  it('has an issuer URL on 127.0.0.1 without a trailing slash', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(issuer.url).toBe(issuer.origin)
    expect(issuer.port).toBeGreaterThan(0)
    expect(issuer.jwksUri).toBe(`${issuer.url}/jwks`)
  })

  it('serves both metadata documents with the exact issuer value', async () => {
    for (const url of [
      `${issuer.url}/.well-known/oauth-authorization-server`,
      `${issuer.url}/.well-known/openid-configuration`,
    ]) {
      const { status, type, body } = await getJson(url)
      expect(status).toBe(200)
      expect(type).toMatch(/^application\/json/)
      expect(body).toEqual({
        issuer: issuer.url,
        jwks_uri: issuer.jwksUri,
        token_endpoint: `${issuer.url}/token`,
        introspection_endpoint: `${issuer.url}/introspect`,
        revocation_endpoint: `${issuer.url}/revoke`,
        response_types_supported: [],
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: CLIENT_AUTH,
        token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
        introspection_endpoint_auth_methods_supported: CLIENT_AUTH,
        introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
        revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
        revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
        introspection_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      })
    }
    expect(issuer.discoveryUrls).toEqual({
      oauth: `${issuer.url}/.well-known/oauth-authorization-server`,
      openid: `${issuer.url}/.well-known/openid-configuration`,
    })
  })

  it('lets the served metadata be overridden, removed member by member, and restored', async () => {
    issuer.setMetadata({ issuer: 'https://evil.example', jwks_uri: undefined, extra: true })
    const { body } = await getJson(issuer.discoveryUrls.oauth)
    expect(body.issuer).toBe('https://evil.example')
    expect(body).not.toHaveProperty('jwks_uri')
    expect(body.extra).toBe(true)
    expect(issuer.metadata()).toEqual(body)

    issuer.setMetadata(undefined)
    const restored = await getJson(issuer.discoveryUrls.openid)
    expect(restored.body.issuer).toBe(issuer.url)
    expect(restored.body.jwks_uri).toBe(issuer.jwksUri)
  })

  it('answers HEAD requests without a body', async () => {
    const response = await fetch(issuer.jwksUri, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0)
    expect(await response.text()).toBe('')
  })

  it('answers 404 JSON for unknown paths and 405 for other methods', async () => {
    const missing = await getJson(`${issuer.url}/nope`)
    expect(missing.status).toBe(404)
    expect(missing.type).toMatch(/^application\/json/)
    expect(missing.body.error).toBe('not_found')

    const trailingSlash = await fetch(`${issuer.jwksUri}/`)
    expect(trailingSlash.status).toBe(404)

    const post = await fetch(issuer.jwksUri, { method: 'POST', body: '{}' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')

    const token = await fetch(`${issuer.url}/token/`, { method: 'POST' })
    expect(token.status).toBe(404)
  })
})

describe('discovery for an issuer with a path', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ path: 'tenant-a/', algorithms: ['ES256'] })
  })
  afterAll(() => issuer.close())

  it('normalizes the path into the issuer identifier', () => {
    expect(issuer.url).toBe(`${issuer.origin}/tenant-a`)
    expect(issuer.jwksUri).toBe(`${issuer.origin}/tenant-a/jwks`)
  })

  it('serves RFC 8414 metadata with the well-known segment before the path', async () => {
    const { status, body } = await getJson(
      `${issuer.origin}/.well-known/oauth-authorization-server/tenant-a`,
    )
    expect(status).toBe(200)
    expect(body.issuer).toBe(issuer.url)
    expect(body.jwks_uri).toBe(issuer.jwksUri)
    expect(body.token_endpoint).toBe(`${issuer.origin}/tenant-a/token`)
    expect(body.id_token_signing_alg_values_supported).toEqual(['ES256'])
    expect(body.introspection_signing_alg_values_supported).toEqual(['ES256'])
    expect(issuer.discoveryUrls.oauth).toBe(
      `${issuer.origin}/.well-known/oauth-authorization-server/tenant-a`,
    )
  })

  it('serves OpenID metadata appended to the issuer', async () => {
    const { status, body } = await getJson(`${issuer.url}/.well-known/openid-configuration`)
    expect(status).toBe(200)
    expect(body.issuer).toBe(issuer.url)
  })

  it('does not serve the non-standard forms', async () => {
    expect((await fetch(`${issuer.url}/.well-known/oauth-authorization-server`)).status).toBe(404)
    expect((await fetch(`${issuer.origin}/.well-known/openid-configuration`)).status).toBe(404)
    expect((await fetch(`${issuer.origin}/jwks`)).status).toBe(404)
  })
})

describe('discovery option', () => {
  it.each([
    ['oauth', 200, 404],
    ['openid', 404, 200],
    ['none', 404, 404],
  ] as const)('discovery: %s', async (discovery, oauthStatus, openidStatus) => {
    const issuer = await createTestIssuer({ discovery, algorithms: ['EdDSA'] })
    try {
      expect((await fetch(issuer.discoveryUrls.oauth)).status).toBe(oauthStatus)
      expect((await fetch(issuer.discoveryUrls.openid)).status).toBe(openidStatus)
      expect(issuer.requestCount('discovery')).toBe(2)
    } finally {
      await issuer.close()
    }
  })

  it('rejects invalid options', async () => {
    await expect(createTestIssuer({ algorithms: ['HS256'] })).rejects.toThrow(/HS256/)
    await expect(createTestIssuer({ algorithms: [] })).rejects.toThrow(/at least one/)
    await expect(createTestIssuer({ port: -1 })).rejects.toThrow(RangeError)
    await expect(createTestIssuer({ discovery: 'x' as never })).rejects.toThrow(/discovery/)
  })
})
