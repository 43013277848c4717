import { DEFAULT_DPOP_ALGORITHMS } from '../src/options/guard-options.js'
import { describe, expect, it } from 'vitest'
import type { UnauthorizedError } from '../src/errors/auth-error.js'
import { createGuard } from '../src/guard/create-guard.js'
import { createMetadataEndpoint } from '../src/adapter/metadata-endpoint.js'
import { defaultMetadataUrl, metadataPaths } from '../src/metadata/metadata-url.js'
import { createScopeDecorators } from '../src/decorators/create-scope-decorators.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { GuardOptionError } from '../src/options/option-error.js'

const AS = 'https://as.example.com'
const API = 'https://api.example.com'
const base: GuardOptions = {
  issuer: AS,
  audience: API,
  keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
}
const WK = '/.well-known/oauth-protected-resource'

function optionError(options: object): GuardOptionError {
  try {
    createGuard({ ...base, ...options } as GuardOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(GuardOptionError)
    return error as GuardOptionError
  }
  throw new Error('no error')
}

describe('metadata URL (RFC 9728 §3.1)', () => {
  it.each([
    [API, `${API}${WK}`],
    [`${API}/`, `${API}${WK}`],
    [`${API}/mcp`, `${API}${WK}/mcp`],
    [`${API}/v1/mcp/`, `${API}${WK}/v1/mcp/`],
    [`${API}/r?tenant=a`, `${API}${WK}/r?tenant=a`],
    ['http://127.0.0.1:8080/mcp', `http://127.0.0.1:8080${WK}/mcp`],
  ])('%s → %s', (resource, url) => {
    expect(defaultMetadataUrl(resource)).toBe(url)
  })
  it('answers the metadata URL path, the derived path and the bare well-known path', () => {
    expect(metadataPaths(`${API}/mcp`, `${API}${WK}/mcp`)).toEqual([`${WK}/mcp`, WK])
    expect(metadataPaths(API, `${API}${WK}`)).toEqual([WK])
    expect(metadataPaths(API, `${API}/meta.json`)).toEqual(['/meta.json', WK])
  })
})

describe('guard.metadata()', () => {
  it('fills the document from the guard: resource, issuers, bearer methods, DPoP', () => {
    const guard = createGuard({
      ...base,
      keys: undefined,
      issuer: [AS, 'https://login.example.net', { issuer: 'local-issuer', secret: 'x'.repeat(32) }],
      bearerMethods: ['header', 'body'],
      resourceMetadata: true,
    })
    expect(guard.metadata()).toEqual({
      resource: API,
      authorization_servers: [AS, 'https://login.example.net'], // not-a-URL issuers are left out
      bearer_methods_supported: ['header', 'body'],
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: [...DEFAULT_DPOP_ALGORITHMS],
      dpop_bound_access_tokens_required: false,
    })
    expect(guard.resourceMetadataUrl).toBe(`${API}${WK}`)
  })

  it('takes resource over the first audience, and every field of the option', () => {
    const guard = createGuard({
      ...base,
      audience: ['orders-api', API],
      resource: `${API}/mcp`,
      resourceMetadata: {
        url: `${API}/meta`,
        authorizationServers: ['https://idp.example.com'],
        scopesSupported: ['b', 'a', 'b'],
        resourceName: 'Orders',
        resourceDocumentation: `${API}/docs`,
        resourcePolicyUri: `${API}/policy`,
        resourceTosUri: `${API}/tos`,
        jwksUri: `${API}/jwks`,
        resourceSigningAlgValuesSupported: ['ES256'],
        authorizationDetailsTypesSupported: ['payment_initiation'],
      },
    })
    expect(guard.resourceMetadataUrl).toBe(`${API}/meta`)
    expect(guard.metadata({ scopes: ['ignored'] })).toEqual({
      resource: `${API}/mcp`,
      authorization_servers: ['https://idp.example.com'],
      scopes_supported: ['b', 'a'],
      bearer_methods_supported: ['header'],
      jwks_uri: `${API}/jwks`,
      resource_signing_alg_values_supported: ['ES256'],
      resource_name: 'Orders',
      resource_documentation: `${API}/docs`,
      resource_policy_uri: `${API}/policy`,
      resource_tos_uri: `${API}/tos`,
      authorization_details_types_supported: ['payment_initiation'],
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: [...DEFAULT_DPOP_ALGORITHMS],
      dpop_bound_access_tokens_required: false,
    })
  })

  it('DPoP: required → dpop_bound_access_tokens_required; disabled → no algorithms listed', () => {
    const required = createGuard({
      ...base,
      resourceMetadata: true,
      dpop: { mode: 'required', algorithms: ['EdDSA'] },
    })
    expect(required.metadata()).toMatchObject({
      dpop_bound_access_tokens_required: true,
      dpop_signing_alg_values_supported: ['EdDSA'],
    })
    const off = createGuard({ ...base, resourceMetadata: true, dpop: 'disabled' })
    expect(off.metadata()).not.toHaveProperty('dpop_signing_alg_values_supported')
  })

  it('a string option is the document URL', () => {
    const guard = createGuard({ ...base, resourceMetadata: `${API}/prm.json` })
    expect(guard.resourceMetadataUrl).toBe(`${API}/prm.json`)
  })

  it('scopes given to metadata() fill scopes_supported, sorted and once each', () => {
    const guard = createGuard({ ...base, resourceMetadata: true })
    expect(guard.metadata({ scopes: ['w', 'r', 'w'] }).scopes_supported).toEqual(['r', 'w'])
    expect(guard.metadata()).not.toHaveProperty('scopes_supported')
  })

  it('returns a fresh document each time (changing one changes nothing)', () => {
    const guard = createGuard({ ...base, resourceMetadata: { resourceName: 'Orders' } })
    const doc = guard.metadata()
    ;(doc.authorization_servers as string[]).push('https://evil.example')
    doc.resource_name = 'x'
    expect(guard.metadata().authorization_servers).toEqual([AS])
    expect(guard.metadata().resource_name).toBe('Orders')
  })

  it('throws a clear error without resourceMetadata', () => {
    const guard = createGuard(base)
    expect(guard.resourceMetadataUrl).toBeUndefined()
    expect(() => guard.metadata()).toThrow(/needs the guard option "resourceMetadata"/)
  })
})

describe('dpop_bound_access_tokens_required', () => {
  it('is true for a guard that requires DPoP, whose DPoP challenges carry the URL', async () => {
    const guard = createGuard({ ...base, dpop: 'required', resourceMetadata: true })
    expect(guard.metadata().dpop_bound_access_tokens_required).toBe(true)
    const answer = await guard.authenticate({ method: 'GET', url: `${API}/x`, headers: {} }).then(
      () => '',
      (e: UnauthorizedError) => e.headers['www-authenticate'],
    )
    expect(answer).toBe(
      `DPoP resource_metadata="${API}${WK}", algs="ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512"`,
    )
    expect(
      createGuard({ ...base, dpop: { mode: 'required' }, resourceMetadata: true }).metadata()
        .dpop_bound_access_tokens_required,
    ).toBe(true)
  })

  it.each([
    ['required', true],
    [{ mode: 'required' }, true],
    ['allowed', false],
    ['disabled', false],
    [{ mode: 'allowed' }, false],
    [undefined, false],
    [null, false],
  ])('dpop %j → %s', (dpop, required) => {
    const guard = createGuard({ ...base, resourceMetadata: true, dpop: dpop ?? undefined } as never)
    expect(guard.metadata().dpop_bound_access_tokens_required).toBe(required)
  })
})

describe('resource and resourceMetadata options', () => {
  it.each([
    [{ resource: 'orders-api' }, 'resource', /absolute http\(s\) URL/],
    [{ resource: `${API}#frag` }, 'resource', /fragment/],
    [{ resourceMetadata: false }, 'resourceMetadata', /invalid/],
    [{ resourceMetadata: 'prm.json' }, 'resourceMetadata', /absolute http\(s\) URL/],
    [{ resourceMetadata: { url: 'ftp://x/y' } }, 'resourceMetadata.url', /http\(s\) URL/],
    [
      { resourceMetadata: { authorizationServers: ['as.example.com'] } },
      'resourceMetadata.authorizationServers[0]',
      /http\(s\) URL/,
    ],
    [
      { resourceMetadata: { scopesSupported: ['two words'] } },
      'resourceMetadata.scopesSupported[0]',
      /scope-token/,
    ],
    [
      { resourceMetadata: { resourceSigningAlgValuesSupported: ['ES256', 'NONE'] } },
      'resourceMetadata.resourceSigningAlgValuesSupported',
      /"none"/,
    ],
    [
      { resourceMetadata: { resourceNmae: 'x' } },
      'resourceMetadata.resourceNmae',
      /not a known option/,
    ],
  ])('%j → %s', (options, option, message) => {
    const e = optionError(options)
    expect(e.option).toBe(option)
    expect(e.message).toMatch(message)
  })

  it('metadata needs a URL as resource identifier: names audience or resource', () => {
    const e = optionError({ audience: 'orders-api', resourceMetadata: true })
    expect(e.option).toBe('audience')
    expect(e.message).toMatch(/"orders-api".*set "resource"/)
    // without metadata, a non-URL audience stays fine
    expect(() => createGuard({ ...base, audience: 'orders-api' })).not.toThrow()
  })
})

describe('resource_metadata in challenges', () => {
  it('is in every challenge once configured, and nowhere otherwise', async () => {
    const on = createGuard({ ...base, resource: `${API}/mcp`, resourceMetadata: true })
    const off = createGuard(base)
    const url = `${API}${WK}/mcp`
    const answer = async (guard: typeof on, authorization?: string) => {
      const headers: Record<string, string> = authorization ? { authorization } : {}
      try {
        await guard.authenticate({ method: 'GET', url: `${API}/mcp`, headers })
      } catch (error) {
        return (error as UnauthorizedError).headers['www-authenticate']
      }
      throw new Error('accepted')
    }
    const dpop = 'DPoP algs="ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512"'
    expect(await answer(on)).toBe(`Bearer resource_metadata="${url}", ${dpop}`)
    expect(await answer(on, 'Bearer not-a-jwt')).toMatch(
      new RegExp(`^Bearer error="invalid_token", [^,]*, resource_metadata="${url}", DPoP `),
    )
    expect(await answer(on, 'Bearer a b')).toMatch(/error="invalid_request".*resource_metadata=/)
    expect(await answer(off)).toBe(`Bearer realm="api", ${dpop}`)
    expect(await answer(off, 'Bearer not-a-jwt')).not.toContain('resource_metadata')
  })
})

describe('createMetadataEndpoint', () => {
  const guard = createGuard({ ...base, resource: `${API}/mcp`, resourceMetadata: true })
  const { RequireScopes, Public } = createScopeDecorators((original) => original)

  @RequireScopes('orders:read')
  class Orders {
    list() {}
    @RequireScopes('orders:write') create() {}
    @Public() health() {}
  }

  it('answers GET with the document, HEAD with its headers only', () => {
    const endpoint = createMetadataEndpoint(guard, { controllers: [Orders], scopes: ['profile'] })
    const get = endpoint.respond('GET', `${WK}/mcp`)
    expect(get?.status).toBe(200)
    expect(JSON.parse(get?.body ?? '')).toEqual({
      ...guard.metadata(),
      scopes_supported: ['orders:read', 'orders:write', 'profile'],
    })
    expect(get?.headers).toEqual({
      'access-control-allow-origin': '*',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(get?.body ?? '')),
      'cache-control': 'public, max-age=3600',
    })
    const head = endpoint.respond('HEAD', WK)
    expect(head).toEqual({ ...get, body: undefined })
  })
  it('answers preflights, refuses other methods, ignores other paths', () => {
    const endpoint = createMetadataEndpoint(guard, { maxAge: 60 })
    expect(endpoint.respond('GET', WK)?.headers['cache-control']).toBe('public, max-age=60')
    expect(endpoint.respond('OPTIONS', WK)).toMatchObject({
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      },
    })
    expect(endpoint.respond('POST', WK)).toMatchObject({
      status: 405,
      headers: { allow: 'GET, HEAD, OPTIONS' },
    })
    expect(endpoint.respond('GET', `${WK}/other`)).toBeUndefined()
    expect(endpoint.respond('GET', '/mcp')).toBeUndefined()
  })
  it.each([
    [{ scopes: ['a b'] }, /invalid scope "a b"/],
    [{ scopes: 'a' }, /scopes must be a list/],
    [{ controllers: [{}] }, /controllers must be a list of classes/],
    [{ maxAge: -5 }, /maxAge must be a whole number/],
    [null, /options must be an object/],
  ])('rejects options %j at start-up', (options, message) => {
    expect(() => createMetadataEndpoint(guard, options as never)).toThrow(message)
  })
  it('refuses a guard without resourceMetadata', () => {
    expect(() => createMetadataEndpoint(createGuard(base))).toThrow(
      /protectedResourceMetadata\(\) needs a guard created with the "resourceMetadata" option/,
    )
  })
})
