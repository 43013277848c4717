import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'

async function servedJwks(issuer: TestIssuer) {
  return createLocalJWKSet((await (await fetch(issuer.jwksUri)).json()) as JSONWebKeySet)
}

describe('issuer.rotateKeys()', () => {
  let issuer: TestIssuer | undefined
  afterEach(async () => {
    await issuer?.close()
  })

  it('replaces the keys, so old tokens stop verifying', async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] })
    const oldToken = await issuer.token({ sub: 'a' })
    const oldKids = issuer.jwks().keys.map((key) => key.kid)
    await expect(jwtVerify(oldToken, await servedJwks(issuer))).resolves.toBeTruthy()

    await issuer.rotateKeys()
    const newKids = issuer.jwks().keys.map((key) => key.kid)
    expect(newKids).toHaveLength(2)
    expect(newKids.some((kid) => oldKids.includes(kid))).toBe(false)

    const jwks = await servedJwks(issuer)
    await expect(jwtVerify(oldToken, jwks)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey)
    const newToken = await issuer.token({ sub: 'b' })
    expect(decodeProtectedHeader(newToken).kid).toBe(newKids[0])
    await expect(jwtVerify(newToken, jwks)).resolves.toBeTruthy()
    // A remote JWKS created after the rotation sees the same thing.
    const remote = createRemoteJWKSet(new URL(issuer.jwksUri))
    await expect(jwtVerify(oldToken, remote)).rejects.toThrow()
    await expect(jwtVerify(newToken, remote)).resolves.toBeTruthy()
  })

  it('keeps the previous keys published with keepPrevious', async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const oldToken = await issuer.token({ sub: 'a' })
    const oldKid = issuer.publicJwk().kid

    await issuer.rotateKeys({ keepPrevious: true })
    expect(issuer.jwks().keys.map((key) => key.kid)).toEqual([issuer.publicJwk().kid, oldKid])
    expect(issuer.publicJwk().kid).not.toBe(oldKid)

    const jwks = await servedJwks(issuer)
    await expect(jwtVerify(oldToken, jwks)).resolves.toBeTruthy()
    await expect(jwtVerify(await issuer.token({ sub: 'b' }), jwks)).resolves.toBeTruthy()

    await issuer.rotateKeys()
    expect(issuer.jwks().keys).toHaveLength(1)
    await expect(jwtVerify(oldToken, await servedJwks(issuer))).rejects.toThrow()
  })

  it('also renews lazily generated keys', async () => {
    issuer = await createTestIssuer({ algorithms: ['EdDSA'] })
    const before = issuer.publicJwk('ES512').kid
    await issuer.rotateKeys()
    expect(issuer.publicJwk('ES512').kid).not.toBe(before)
  })
})
