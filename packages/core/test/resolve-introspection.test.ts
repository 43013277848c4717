import { generateKeyPair, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { MemoryCacheStore } from '../src/introspection/cache-store.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { GuardOptionError } from '../src/options/option-error.js'
import { resolveOptions } from '../src/options/resolve-options.js'

const base = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
const intro = { clientId: 'api', clientSecret: 's3cret' }
function fails(options: unknown, option: string, message: RegExp) {
  let caught: unknown
  try {
    resolveOptions(options as GuardOptions)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(GuardOptionError)
  expect((caught as GuardOptionError).option).toBe(option)
  expect((caught as GuardOptionError).message).toMatch(message)
}

describe('introspection options', () => {
  it('defaults: basic auth, 3 s timeout, 60 s ttl, 5 s negative ttl, memory store, tokenFormat auto', () => {
    const r = resolveOptions({ ...base, introspection: intro })
    expect(r.tokenFormat).toBe('auto')
    expect(r.introspection).toMatchObject({
      issuer: base.issuer,
      endpoint: undefined,
      auth: { method: 'client_secret_basic', clientId: 'api', clientSecret: 's3cret' },
      timeoutMs: 3000,
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
      signedResponses: false,
      requireAudience: false,
    })
    expect(r.introspection?.store).toBeInstanceOf(MemoryCacheStore)
  })
  it('without introspection the format is jwt', () =>
    expect(resolveOptions(base).tokenFormat).toBe('jwt'))
  it('a given store is used', () => {
    const store = new MemoryCacheStore()
    expect(
      resolveOptions({ ...base, introspection: { ...intro, cache: { store } } }).introspection
        ?.store,
    ).toBe(store)
  })
  it('private_key_jwt is the default with a privateKey', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k' }
    const r = resolveOptions({ ...base, introspection: { clientId: 'api', privateKey: jwk } })
    expect(r.introspection?.auth).toMatchObject({
      method: 'private_key_jwt',
      alg: 'ES256',
      kid: 'k',
    })
  })
  it('tokenFormat opaque without introspection', () =>
    fails({ ...base, tokenFormat: 'opaque' }, 'tokenFormat', /introspection/))
  it('clientId missing', () =>
    fails({ ...base, introspection: { clientSecret: 'x' } }, 'introspection.clientId', /required/))
  it('clientSecret missing for basic', () =>
    fails(
      { ...base, introspection: { clientId: 'api' } },
      'introspection.clientSecret',
      /required/,
    ))
  it('privateKey missing for private_key_jwt', () =>
    fails(
      { ...base, introspection: { clientId: 'api', authMethod: 'private_key_jwt' } },
      'introspection.privateKey',
      /required/,
    ))
  it('a public JWK as privateKey', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    fails(
      { ...base, introspection: { clientId: 'api', privateKey: await exportJWK(publicKey) } },
      'introspection.privateKey',
      /public key/,
    )
  })
  it('an endpoint that is not a URL', () =>
    fails(
      { ...base, introspection: { ...intro, endpoint: 'introspect' } },
      'introspection.endpoint',
      /URL/,
    ))
  it('several issuers without introspection.issuer', () =>
    fails(
      { ...base, issuer: ['https://a.example', 'https://b.example'], introspection: intro },
      'introspection.issuer',
      /several issuers/,
    ))
  it('introspection.issuer not configured', () =>
    fails(
      { ...base, introspection: { ...intro, issuer: 'https://x.example' } },
      'introspection.issuer',
      /not one of/,
    ))
  it('an issuer that is not a URL needs an endpoint', () =>
    fails(
      {
        ...base,
        issuer: 'as',
        keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }],
        introspection: intro,
      },
      'introspection.endpoint',
      /required/,
    ))
  it('signedResponses with a secret issuer', () =>
    fails(
      { ...base, secret: 'x'.repeat(32), introspection: { ...intro, signedResponses: true } },
      'introspection.signedResponses',
      /public keys/,
    ))
  it('negative ttl', () =>
    fails(
      { ...base, introspection: { ...intro, cache: { ttl: -1 } } },
      'introspection.cache.ttl',
      /zero or more/,
    ))
  it('a store that is not a CacheStore', () =>
    fails(
      { ...base, introspection: { ...intro, cache: { store: {} } } },
      'introspection.cache.store',
      /CacheStore/,
    ))
  it('an unknown introspection option', () =>
    fails(
      { ...base, introspection: { ...intro, clientSecrett: 'x' } },
      'introspection.clientSecrett',
      /not a known option/,
    ))
})
