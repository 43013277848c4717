/**
 * The node:crypto signature fast path is trusted only once it has proven itself, and jose's
 * WebCrypto path decides everything it does not: with node:crypto absent, with a node:crypto
 * that lies (as Workers' nodejs_compat does: false for valid signatures), throws, or has not
 * finished its self-test yet.
 */
import * as crypto from 'node:crypto'
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'
import * as jose from 'jose'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuthError } from '../src/errors/auth-error.js'
import { createGuard } from '../src/guard/create-guard.js'
import { peekJwt } from '../src/jwt/peek-jwt.js'
import { signatureFastPath } from '../src/jwt/signature-fast-path.js'
import { signatureValid, signatureValidNow } from '../src/jwt/verify-signature.js'
import { nodeBuiltins, overrideNodeBuiltins } from '../src/platform/node-builtins.js'

vi.mock('jose', async (importOriginal) => {
  const original = await importOriginal<typeof jose>()
  return {
    ...original,
    compactVerify: vi.fn((...args: Parameters<typeof original.compactVerify>) =>
      original.compactVerify(...args),
    ),
  }
})
const joseVerifications = () => vi.mocked(jose.compactVerify).mock.calls.length

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
const other = Buffer.from(JSON.stringify({ sub: 'mallory' })).toString('base64url')

async function signed(alg: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const token = await new CompactSign(payload).setProtectedHeader({ alg }).sign(privateKey)
  const [h, , s] = token.split('.')
  return { token, forged: `${h}.${other}.${s}`, publicKey: publicKey as CryptoKey }
}

/** node:crypto with some of its members replaced. */
const cryptoWith = (members: Partial<Record<keyof typeof crypto, unknown>>) =>
  ({ ...crypto, ...members }) as typeof crypto

beforeEach(() => {
  vi.mocked(jose.compactVerify).mockClear()
})
afterEach(() => overrideNodeBuiltins('runtime'))

describe('on Node, the self-test proves node:crypto for every algorithm it does', () => {
  it('every asymmetric algorithm is proven, and then decided at once', async () => {
    await signatureFastPath().tested()
    expect([...(signatureFastPath().proven ?? [])].sort()).toEqual([...ALGS, 'Ed25519'].sort())
    const { token, forged, publicKey } = await signed('ES256')
    expect(signatureValidNow(peekJwt(token), 'ES256', publicKey)).toBe(true)
    expect(signatureValidNow(peekJwt(forged), 'ES256', publicKey)).toBe(false)
    expect(joseVerifications()).toBe(0)
  })
  it('nothing is decided by node:crypto before its self-test has run: jose decides meanwhile', async () => {
    overrideNodeBuiltins({ ...nodeBuiltins() }) // a fresh fast path, not yet tested
    const { token, publicKey } = await signed('RS256')
    expect(signatureFastPath().proven).toBeUndefined()
    expect(signatureValidNow(peekJwt(token), 'RS256', publicKey)).toBeUndefined() // starts it
    await signatureFastPath().tested()
    expect(signatureValidNow(peekJwt(token), 'RS256', publicKey)).toBe(true)
  })
  it('signatureValid waits for the self-test, then uses the fast path', async () => {
    overrideNodeBuiltins({ ...nodeBuiltins() })
    const { token, publicKey } = await signed('PS256')
    expect(await signatureValid(token, peekJwt(token), 'PS256', publicKey)).toBe(true)
    expect(joseVerifications()).toBe(0)
  })
})

describe.each([
  ['absent', () => ({ Buffer })],
  [
    'lying (valid signatures verify false, as on Workers with nodejs_compat)',
    () => ({
      Buffer,
      crypto: cryptoWith({ verify: () => false }),
    }),
  ],
  [
    'lying (every signature verifies true)',
    () => ({
      Buffer,
      crypto: cryptoWith({ verify: () => true }),
    }),
  ],
  [
    'throwing',
    () => ({
      crypto: cryptoWith({
        verify: () => {
          throw new Error('not implemented')
        },
      }),
    }),
  ],
  [
    'unable to convert a CryptoKey',
    () => ({
      Buffer,
      crypto: cryptoWith({
        KeyObject: {
          from: () => {
            throw new TypeError('not a CryptoKey')
          },
        },
      }),
    }),
  ],
])('node:crypto %s: jose verifies', (_, builtins) => {
  beforeEach(async () => {
    overrideNodeBuiltins(builtins())
    await signatureFastPath().tested()
    vi.mocked(jose.compactVerify).mockClear()
  })
  it('the fast path is off for every algorithm', () => {
    expect(signatureFastPath().proven?.size).toBe(0)
  })
  it.each(ALGS)('%s: valid verifies, forged does not, another algorithm does not', async (alg) => {
    const { token, forged, publicKey } = await signed(alg)
    expect(signatureValidNow(peekJwt(token), alg, publicKey)).toBeUndefined()
    expect(await signatureValid(token, peekJwt(token), alg, publicKey)).toBe(true)
    expect(await signatureValid(forged, peekJwt(forged), alg, publicKey)).toBe(false)
    const wrong = alg === 'RS256' ? 'PS256' : alg === 'ES256' ? 'ES384' : 'RS256'
    expect(await signatureValid(token, peekJwt(token), wrong, publicKey)).toBe(false)
    expect(joseVerifications()).toBe(3)
  })
})

describe('a node:crypto that lies about one family loses the fast path for that family only', () => {
  it('ECDSA signatures read as DER (dsaEncoding ignored): ES* go through jose, the rest stay fast', async () => {
    type Key = Parameters<typeof crypto.verify>[2]
    const verify = (hash: string | null, data: Uint8Array, key: Key, signature: Uint8Array) => {
      const options = key as { dsaEncoding?: string }
      const read = options.dsaEncoding ? ({ ...options, dsaEncoding: 'der' } as Key) : key
      return crypto.verify(hash, data, read, signature)
    }
    overrideNodeBuiltins({ Buffer, crypto: cryptoWith({ verify }) })
    await signatureFastPath().tested()
    const proven = signatureFastPath().proven
    expect(['ES256', 'ES384', 'ES512'].filter((alg) => proven?.has(alg))).toEqual([])
    expect(['RS256', 'PS256', 'EdDSA'].every((alg) => proven?.has(alg))).toBe(true)
    const es = await signed('ES256')
    expect(await signatureValid(es.token, peekJwt(es.token), 'ES256', es.publicKey)).toBe(true)
    expect(joseVerifications()).toBe(1)
  })
})

describe('a guard on a runtime without node:crypto', () => {
  const ISSUER = 'https://as.example.com'
  const AUDIENCE = 'https://api.example.com'
  async function setup(alg: string) {
    const { privateKey, publicKey } = await generateKeyPair(alg)
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg }
    const sign = (claims: object, header: object = { alg, kid: 'k1' }) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader(header as jose.CompactJWSHeaderParameters)
        .sign(privateKey)
    const claims = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      exp: Math.floor(Date.now() / 1000) + 600,
      scope: 'orders:read',
    }
    const guard = createGuard({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [jwk],
      algorithms: ['RS256', 'PS256', 'ES256'],
    })
    return { guard, sign, claims }
  }
  const request = (token: string) => ({
    method: 'GET',
    url: 'https://api.example.com/orders',
    headers: { authorization: `Bearer ${token}` },
  })
  async function status(result: unknown): Promise<number> {
    try {
      await result
      return 200
    } catch (error) {
      return (error as AuthError).status
    }
  }

  it.each(['RS256', 'ES256'])(
    '%s: valid 200, forged 401, another algorithm 401 — all through jose',
    async (alg) => {
      overrideNodeBuiltins({})
      const { guard, sign, claims } = await setup(alg)
      const token = await sign(claims)
      const auth = await guard.authenticate(request(token))
      expect(auth?.subject).toBe('alice')
      const fresh = await sign({ ...claims, sub: 'bob' })
      const pending = guard.check(request(fresh)) // keys at hand, but no fast path: it waits
      expect(pending).toBeInstanceOf(Promise)
      expect(((await pending) as { subject: string }).subject).toBe('bob')
      const [h, , s] = token.split('.')
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${s}`
      expect(await status(guard.check(request(forged)))).toBe(401)
      // the same signature under a header naming another allowed algorithm
      const [, p, sig] = token.split('.')
      const header = { alg: alg === 'RS256' ? 'PS256' : 'RS256', kid: 'k1' }
      const otherAlg = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${sig}`
      expect(await status(guard.check(request(otherAlg)))).toBe(401)
      expect(joseVerifications()).toBeGreaterThanOrEqual(3)
    },
  )
  it('the same guard on Node decides a new token with keys at hand at once', async () => {
    const { guard, sign, claims } = await setup('RS256')
    await guard.authenticate(request(await sign(claims)))
    const result = guard.check(request(await sign({ ...claims, sub: 'bob' })))
    expect(result).not.toBeInstanceOf(Promise)
    expect((result as { subject: string }).subject).toBe('bob')
  })
})
