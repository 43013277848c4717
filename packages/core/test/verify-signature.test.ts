/** The node:crypto signature path agrees with jose for every algorithm, and refuses what jose refuses. */
import { generateKeyPairSync } from 'node:crypto'
import {
  compactVerify,
  CompactSign,
  generateKeyPair,
  importJWK,
  exportJWK,
  type CryptoKey,
} from 'jose'
import { describe, expect, it } from 'vitest'
import { peekJwt } from '../src/jwt/peek-jwt.js'
import { signatureValid } from '../src/jwt/verify-signature.js'

const ALGS = [
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
]
const payload = new TextEncoder().encode(JSON.stringify({ sub: 'alice' }))

async function signed(alg: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const token = await new CompactSign(payload).setProtectedHeader({ alg }).sign(privateKey)
  return { token, publicKey: publicKey as CryptoKey }
}

describe('signatureValid (node:crypto path)', () => {
  it.each(ALGS)('%s: a valid signature verifies, as with jose', async (alg) => {
    const { token, publicKey } = await signed(alg)
    await expect(compactVerify(token, publicKey)).resolves.toBeDefined()
    expect(await signatureValid(token, peekJwt(token), alg, publicKey)).toBe(true)
  })
  it.each(ALGS)('%s: a changed payload does not verify', async (alg) => {
    const { token, publicKey } = await signed(alg)
    const [h, , s] = token.split('.')
    const other = Buffer.from(JSON.stringify({ sub: 'mallory' })).toString('base64url')
    expect(
      await signatureValid(`${h}.${other}.${s}`, peekJwt(`${h}.${other}.${s}`), alg, publicKey),
    ).toBe(false)
  })
  it('a key of another type or curve is refused', async () => {
    const rsa = await signed('RS256')
    const ec384 = await signed('ES384')
    expect(await signatureValid(rsa.token, peekJwt(rsa.token), 'ES256', rsa.publicKey)).toBe(false)
    expect(await signatureValid(ec384.token, peekJwt(ec384.token), 'ES256', ec384.publicKey)).toBe(
      false,
    )
  })
  it('an RSA key under 2048 bits is refused, as jose refuses it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const jwk = await exportJWK(publicKey)
    const { sign } = await import('node:crypto')
    const input = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}`
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
    const key = (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey
    expect(await signatureValid(token, peekJwt(token), 'RS256', key)).toBe(false)
  })
  it('an ECDSA signature of zeros (CVE-2022-21449) is refused', async () => {
    const { token, publicKey } = await signed('ES256')
    const [h, p] = token.split('.')
    const zeros = `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`
    expect(await signatureValid(zeros, peekJwt(zeros), 'ES256', publicKey)).toBe(false)
  })
  it('HMAC secrets go through jose', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!')
    const token = await new CompactSign(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    expect(await signatureValid(token, peekJwt(token), 'HS256', secret)).toBe(true)
    expect(
      await signatureValid(
        token,
        peekJwt(token),
        'HS256',
        new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'),
      ),
    ).toBe(false)
  })
})
