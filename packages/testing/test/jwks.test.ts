import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, jwkThumbprint, type TestIssuer } from '../src/index.js'

describe('JWKS endpoint', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer()
  })
  afterAll(() => issuer.close())

  it('publishes one public signing key per algorithm', async () => {
    const response = await fetch(issuer.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const body = (await response.json()) as { keys: Array<Record<string, unknown>> }
    expect(body.keys.map((key) => [key.alg, key.kty, key.crv])).toEqual([
      ['RS256', 'RSA', undefined],
      ['ES256', 'EC', 'P-256'],
      ['EdDSA', 'OKP', 'Ed25519'],
    ])
    for (const key of body.keys) {
      expect(key.use).toBe('sig')
      expect(typeof key.kid).toBe('string')
      expect(key).not.toHaveProperty('d')
      expect(key).not.toHaveProperty('p')
    }
    expect(new Set(body.keys.map((key) => key.kid)).size).toBe(3)
    expect(body).toEqual(issuer.jwks())
  })

  it('uses RFC 7638 thumbprints as key ids', () => {
    const jwk = issuer.publicJwk('ES256')
    expect(jwk.kid).toBe(jwkThumbprint(jwk))
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(issuer.publicJwk()).toEqual(issuer.jwks().keys[0])
  })

  it('computes the RFC 8037 thumbprint test vector', () => {
    expect(
      jwkThumbprint({
        kty: 'OKP',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      }),
    ).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')
  })

  it('returns SPKI PEM public keys', () => {
    expect(issuer.publicKeyPem()).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/,
    )
    expect(issuer.publicKeyPem('EdDSA')).not.toBe(issuer.publicKeyPem('RS256'))
  })

  it('serves an arbitrary JWKS document with setJwks and restores it', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    })
    const own = issuer.publicJwk()
    const odd = {
      keys: [
        { ...own },
        { ...own, n: weak.n },
        { ...weak, kid: 'weak', alg: 'RS256', use: 'sig' },
        { ...issuer.publicJwk('ES256'), use: 'enc' },
      ],
      note: 'duplicate kids, a 1024-bit key, an encryption key',
    }
    issuer.setJwks(odd)
    const served = await (await fetch(issuer.jwksUri)).json()
    expect(served).toEqual(odd)
    expect(issuer.jwks()).toEqual(odd)

    odd.keys.length = 0 // the issuer keeps its own copy
    expect(((await (await fetch(issuer.jwksUri)).json()) as { keys: unknown[] }).keys).toHaveLength(
      4,
    )

    issuer.setJwks(undefined)
    const restored = (await (await fetch(issuer.jwksUri)).json()) as { keys: unknown[] }
    expect(restored.keys).toHaveLength(3)
    expect(restored).toEqual(issuer.jwks())
  })

  it('returns copies that cannot change what is served', async () => {
    issuer.jwks().keys.pop()
    issuer.publicJwk().kid = 'mutated'
    const served = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<{ kid: string }> }
    expect(served.keys).toHaveLength(3)
    expect(served.keys[0]?.kid).not.toBe('mutated')
  })
})
