/**
 * Core answers the same with Node's builtins and without them (as on Workers without
 * nodejs_compat): DPoP proofs (ath, server nonces, replay), certificate bindings, introspection
 * with client_secret_basic and its cache keys, deny-list keys — through a guard against a real
 * local authorization server, and key by key.
 */
import {
  createDpopKey,
  createTestIssuer,
  dpopProof,
  type DpopKey,
  type TestIssuer,
} from '@bearerguard/testing'
import { createHash, createHmac } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DpopNonces } from '../src/dpop/dpop-nonces.js'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard } from '../src/guard/create-guard.js'
import type { AuthInfo } from '../src/identity/auth-info.js'
import { clientAuthenticator } from '../src/introspection/client-auth.js'
import { introspectionCacheKey } from '../src/introspection/introspection-cache.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { overrideNodeBuiltins, type NodeBuiltins } from '../src/platform/node-builtins.js'
import type { RequestLike } from '../src/request/request-like.js'
import { JwtDenyList } from '../src/revocation/jwt-deny-list.js'

const RUNTIMES: [string, Partial<NodeBuiltins> | 'runtime'][] = [
  ['with Node builtins', 'runtime'],
  ['without Node builtins', {}],
]
/** What `run` returns with Node's builtins and without them. */
function both<T>(run: () => T): [T, T] {
  try {
    overrideNodeBuiltins('runtime')
    const withNode = run()
    overrideNodeBuiltins({})
    return [withNode, run()]
  } finally {
    overrideNodeBuiltins('runtime')
  }
}

const AUDIENCE = 'https://api.example.com'
const URL_ = 'https://api.example.com/orders'
let issuer: TestIssuer
let key: DpopKey
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  key = await createDpopKey('ES256')
})
afterAll(async () => {
  overrideNodeBuiltins('runtime')
  await issuer.close()
})

const guardOf = (options: Partial<GuardOptions> = {}) =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, ...options })
const dpopRequest = (token: string, proof: string): RequestLike => ({
  method: 'GET',
  url: URL_,
  headers: { authorization: `DPoP ${token}`, dpop: proof },
})
const proofFor = (token: string, nonce?: string) =>
  dpopProof(key, { method: 'GET', url: URL_, accessToken: token, ...(nonce ? { nonce } : {}) })
async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('expected a rejection')
}

describe.each(RUNTIMES)('a guard %s', (_, builtins) => {
  beforeEach(() => overrideNodeBuiltins(builtins))
  afterEach(() => overrideNodeBuiltins('runtime'))

  it('DPoP: a valid proof passes; one for another token (ath) or replayed is refused', async () => {
    const guard = guardOf()
    const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
    const proof = proofFor(token)
    const auth = await guard.authenticate(dpopRequest(token, proof))
    expect(auth).toMatchObject({ scheme: 'DPoP', confirmation: { jkt: key.jkt } })
    const replayed = await rejection(guard.authenticate(dpopRequest(token, proof)))
    expect(replayed.description).toMatch(/used before/)
    const other = await issuer.token({ sub: 'bob', cnf: { jkt: key.jkt } })
    const foreign = await rejection(guard.authenticate(dpopRequest(token, proofFor(other))))
    expect(foreign.description).toMatch(/another access token \(ath\)/)
  })
  it('DPoP server nonces: use_dpop_nonce with a nonce, then the proof carrying it passes', async () => {
    const guard = guardOf({ dpop: { nonce: { secret: 'a-nonce-secret-of-32-bytes-or-more!!' } } })
    const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
    const error = await rejection(guard.authenticate(dpopRequest(token, proofFor(token))))
    expect(error.code).toBe('use_dpop_nonce')
    const nonce = error.headers['dpop-nonce'] as string
    const dpopAuth = { scheme: 'DPoP', tokenSource: 'header' } as AuthInfo
    expect(guard.responseHeaders(dpopAuth)['dpop-nonce']).toBe(nonce)
    const auth = await guard.authenticate(dpopRequest(token, proofFor(token, nonce)))
    expect(auth?.scheme).toBe('DPoP')
  })
  it('a random nonce secret (nonce: true) works too', async () => {
    const guard = guardOf({ dpop: { nonce: true } })
    const token = await issuer.token({ sub: 'alice', cnf: { jkt: key.jkt } })
    const error = await rejection(guard.authenticate(dpopRequest(token, proofFor(token))))
    const nonce = error.headers['dpop-nonce'] as string
    expect((await guard.authenticate(dpopRequest(token, proofFor(token, nonce))))?.scheme).toBe(
      'DPoP',
    )
  })
  it('a certificate-bound token passes with its certificate (Client-Cert), not with another', async () => {
    const der = new TextEncoder().encode('a DER certificate, as far as this test cares')
    const x5t = createHash('sha256').update(der).digest('base64url')
    const guard = guardOf({ mtls: { certificateHeader: 'client-cert' } })
    const token = await issuer.token({ sub: 'alice', cnf: { 'x5t#S256': x5t } })
    const request = (cert: Uint8Array): RequestLike => ({
      method: 'GET',
      url: URL_,
      headers: {
        authorization: `Bearer ${token}`,
        'client-cert': `:${Buffer.from(cert).toString('base64')}:`,
      },
    })
    expect((await guard.authenticate(request(der)))?.subject).toBe('alice')
    const error = await rejection(guard.authenticate(request(new Uint8Array([1, 2, 3]))))
    expect(error.description).toMatch(/another client certificate/)
  })
  it('introspection with client_secret_basic, cached under its key: one call for two requests', async () => {
    issuer.resetCounts()
    const guard = guardOf({
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    })
    const token = await issuer.opaqueToken({ sub: 'carol', scope: 'a' })
    const request = { method: 'GET', url: URL_, headers: { authorization: `Bearer ${token}` } }
    expect((await guard.authenticate(request))?.subject).toBe('carol')
    expect((await guard.authenticate(request))?.subject).toBe('carol')
    expect(issuer.introspectionRequests()).toHaveLength(1)
  })
})

describe('the same keys and values with and without Node builtins', () => {
  it('introspection cache keys: SHA-256 of issuer and token, as node:crypto computes it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'grapheme' }), (iss, token) => {
        const [withNode, without] = both(() => introspectionCacheKey(iss, token))
        expect(without).toBe(withNode)
        expect(withNode).toBe(createHash('sha256').update(`${iss}\0${token}`).digest('base64url'))
      }),
    )
  })
  it('deny-list keys of revoked JWTs', () => {
    const list = new JwtDenyList(undefined, { localTtlMs: 1000 })
    const [withNode, without] = both(() => [
      list.keyOf('https://as.example.com', { jti: 'j-1' }, 'token'),
      list.keyOf('https://as.example.com', {}, 'a.b.c'),
    ])
    expect(without).toEqual(withNode)
  })
  it('DPoP nonces: the same nonce for a secret and a time, accepted either way', () => {
    const secret = new TextEncoder().encode('s'.repeat(32))
    const t0 = 1_700_000_000_000
    const nonces = new DpopNonces({ secrets: [secret], lifetime: 300 })
    const [withNode, without] = both(() => nonces.current(t0))
    expect(without).toBe(withNode)
    // as Buffer and createHmac made them before core was portable: 6-byte step, 16-byte MAC
    const step = Math.floor(t0 / 300_000)
    const head = Buffer.alloc(6)
    head.writeUIntBE(step, 0, 6)
    const mac = createHmac('sha256', secret).update(`bearerguard dpop nonce ${step}`).digest()
    expect(withNode).toBe(Buffer.concat([head, mac.subarray(0, 16)]).toString('base64url'))
    const fresh = () => new DpopNonces({ secrets: [secret], lifetime: 300 })
    expect(both(() => fresh().accepts(withNode, t0))).toEqual([true, true])
    const flipped = `${withNode.slice(0, -1)}${withNode.endsWith('A') ? 'B' : 'A'}`
    expect(both(() => fresh().accepts(flipped, t0))).toEqual([false, false])
    // the same bytes spelt with stray bits in the last character (it holds 2 bits of data)
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = ALPHABET.indexOf(withNode.at(-1) as string)
    const stray = `${withNode.slice(0, -1)}${ALPHABET[last | 1]}`
    expect(Buffer.from(stray, 'base64url').equals(Buffer.from(withNode, 'base64url'))).toBe(true)
    expect(both(() => fresh().accepts(stray, t0))).toEqual([false, false])
  })
  it('client_secret_basic: the same Authorization header, UTF-8 and form-encoded', async () => {
    const auth = {
      method: 'client_secret_basic' as const,
      clientId: 'orders api',
      clientSecret: 'sécret:+/%',
    }
    const [withNode, without] = both(() => clientAuthenticator(auth)('https://as.example.com'))
    const expected = `Basic ${Buffer.from('orders+api:s%C3%A9cret%3A%2B%2F%25').toString('base64')}`
    expect((await withNode).headers.authorization).toBe(expected)
    expect((await without).headers.authorization).toBe(expected)
  })
})
