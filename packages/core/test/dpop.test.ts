/** DPoP (RFC 9449) through guard.authenticate: every check of a proof, binding and nonces. */
import {
  createDpopKey,
  createTestIssuer,
  dpopProof,
  type DpopKey,
  type DpopProofOptions,
  type TestIssuer,
} from '@bearerguard/testing'
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard } from '../src/guard/create-guard.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { MemoryReplayStore, type ReplayStore } from '../src/dpop/replay-store.js'
import type { AuthInfo } from '../src/identity/auth-info.js'
import type { RequestLike } from '../src/request/request-like.js'

const AUDIENCE = 'https://api.example.com'
const URL_ = 'https://api.example.com/orders'
let issuer: TestIssuer
let key: DpopKey
let other: DpopKey
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  key = await createDpopKey('ES256')
  other = await createDpopKey('ES256')
})
afterAll(() => issuer.close())

const guardOf = (options: Partial<GuardOptions> = {}) =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, ...options })

const bound = (jkt = key.jkt) => issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { jkt } })

function dpopRequest(
  token: string,
  proof: string | string[] | undefined,
  extra: Partial<RequestLike> = {},
): RequestLike {
  return {
    method: 'GET',
    url: URL_,
    headers: { authorization: `DPoP ${token}`, ...(proof === undefined ? {} : { dpop: proof }) },
    ...extra,
  }
}

const proofFor = (token: string, options: Partial<DpopProofOptions> = {}, k = key) =>
  dpopProof(k, { method: 'GET', url: URL_, accessToken: token, ...options })

/** The AuthError `promise` rejects with (fails the test when it resolves). */
/** An AuthInfo of a DPoP request: all responseHeaders looks at to add DPoP-Nonce. */
const dpopAuth = { scheme: 'DPoP', tokenSource: 'header' } as AuthInfo

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('expected a rejection')
}

async function expectProofError(request: RequestLike, guard = guardOf()) {
  const error = await rejection(guard.authenticate(request))
  expect(error.status).toBe(401)
  expect(error.code).toBe('invalid_dpop_proof')
  expect(error.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof".*algs="/)
  return error
}

describe('a valid DPoP request', () => {
  it('is accepted, with scheme DPoP and the key in confirmation', async () => {
    const token = await bound()
    const auth = await guardOf().authenticate(dpopRequest(token, proofFor(token)))
    expect(auth).toMatchObject({ scheme: 'DPoP', subject: 'alice', confirmation: { jkt: key.jkt } })
  })
  it('works for every asymmetric algorithm family', async () => {
    for (const alg of ['ES384', 'EdDSA', 'PS256', 'RS256']) {
      const k = await createDpopKey(alg)
      const token = await bound(k.jkt)
      const auth = await guardOf().authenticate(dpopRequest(token, proofFor(token, {}, k)))
      expect(auth?.scheme).toBe('DPoP')
    }
  })
  it('htu is compared after normalisation, without query and fragment', async () => {
    const token = await bound()
    const proof = proofFor(token, { claims: { htu: 'HTTPS://API.EXAMPLE.COM:443/%6frders' } })
    const request = dpopRequest(token, proof, { url: `${URL_}?page=2#top` })
    expect((await guardOf().authenticate(request))?.scheme).toBe('DPoP')
  })
  it('a cached DPoP-bound token still waits for its proof to be checked', async () => {
    const token = await bound()
    const guard = guardOf()
    await guard.authenticate(dpopRequest(token, proofFor(token)))
    const again = guard.check(dpopRequest(token, proofFor(token)))
    expect(again).toBeInstanceOf(Promise)
    expect((await again)?.scheme).toBe('DPoP')
    const replayed = dpopRequest(token, proofFor(token))
    await guard.authenticate(replayed)
    expect((await rejection(guard.authenticate(replayed))).code).toBe('invalid_dpop_proof')
  })
})

describe('proofs that are refused (invalid_dpop_proof)', () => {
  it('missing', async () => {
    const token = await bound()
    await expectProofError(dpopRequest(token, undefined))
  })
  it('two proofs, as two values or joined by a comma', async () => {
    const token = await bound()
    const [a, b] = [proofFor(token), proofFor(token)]
    await expectProofError(dpopRequest(token, [a, b]))
    await expectProofError(dpopRequest(token, `${a}, ${b}`))
  })
  it('not a compact JWS', async () => {
    const token = await bound()
    await expectProofError(dpopRequest(token, 'not-a-jws'))
  })
  it('wrong typ, or none', async () => {
    const token = await bound()
    await expectProofError(dpopRequest(token, proofFor(token, { header: { typ: 'JWT' } })))
    await expectProofError(dpopRequest(token, proofFor(token, { header: { typ: undefined } })))
  })
  it('alg none, HS256, or an algorithm not allowed', async () => {
    const token = await bound()
    const secret = new TextEncoder().encode('x'.repeat(32))
    await expectProofError(
      dpopRequest(
        token,
        proofFor(token, { header: { alg: 'HS256' }, signWith: { alg: 'HS256', key: secret } }),
      ),
    )
    const unsigned = proofFor(token).split('.').slice(0, 2).join('.') + '.'
    await expectProofError(dpopRequest(token, unsigned))
    const guard = guardOf({ dpop: { algorithms: ['EdDSA'] } })
    await expectProofError(dpopRequest(token, proofFor(token)), guard)
  })
  it('a private key in jwk', async () => {
    const token = await bound()
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const jwk = privateKey.export({ format: 'jwk' })
    const proof = proofFor(token, {
      header: { jwk },
      signWith: { alg: 'ES256', key: privateKey },
    })
    await expectProofError(dpopRequest(token, proof))
  })
  it('a symmetric key in jwk', async () => {
    const token = await bound()
    const secret = new TextEncoder().encode('y'.repeat(32))
    const proof = proofFor(token, {
      header: { alg: 'HS256', jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } },
      signWith: { alg: 'HS256', key: secret },
    })
    await expectProofError(dpopRequest(token, proof))
  })
  it('signed by a key other than its jwk', async () => {
    const token = await bound()
    const proof = proofFor(token, { signWith: { alg: 'ES256', key: other.privateKey } })
    await expectProofError(dpopRequest(token, proof))
  })
  it('htm or htu of another request', async () => {
    const token = await bound()
    await expectProofError(dpopRequest(token, proofFor(token, { method: 'POST' })))
    await expectProofError(dpopRequest(token, proofFor(token, { method: 'get' })))
    await expectProofError(
      dpopRequest(token, proofFor(token, { url: 'https://api.example.com/other' })),
    )
    await expectProofError(
      dpopRequest(token, proofFor(token, { url: 'https://evil.example.com/orders' })),
    )
    await expectProofError(dpopRequest(token, proofFor(token, { claims: { htu: undefined } })))
  })
  it('ath missing or for another token', async () => {
    const token = await bound()
    await expectProofError(
      dpopRequest(token, proofFor(token, { accessToken: undefined, claims: { ath: undefined } })),
    )
    await expectProofError(dpopRequest(token, proofFor(token, { accessToken: 'another-token' })))
  })
  it('iat too old, in the future, or missing; jti missing', async () => {
    const token = await bound()
    const now = Math.floor(Date.now() / 1000)
    await expectProofError(dpopRequest(token, proofFor(token, { iat: now - 60 - 30 - 5 })))
    await expectProofError(dpopRequest(token, proofFor(token, { iat: now + 30 + 5 })))
    await expectProofError(dpopRequest(token, proofFor(token, { claims: { iat: undefined } })))
    await expectProofError(dpopRequest(token, proofFor(token, { claims: { jti: undefined } })))
    // inside the window (maxAge 60 s + clockTolerance 30 s) it passes
    const ok = await guardOf().authenticate(dpopRequest(token, proofFor(token, { iat: now - 80 })))
    expect(ok?.scheme).toBe('DPoP')
  })
  it('replayed: the same proof twice', async () => {
    const token = await bound()
    const guard = guardOf()
    const proof = proofFor(token)
    await guard.authenticate(dpopRequest(token, proof))
    const error = await expectProofError(dpopRequest(token, proof), guard)
    expect(error.description).toMatch(/used before/)
  })
  it('replayed across two instances sharing a replay store', async () => {
    const replayStore = new MemoryReplayStore()
    const [a, b] = [guardOf({ dpop: { replayStore } }), guardOf({ dpop: { replayStore } })]
    const token = await bound()
    const proof = proofFor(token)
    await a.authenticate(dpopRequest(token, proof))
    await expectProofError(dpopRequest(token, proof), b)
  })
  it('a proof failing another check does not use up its jti', async () => {
    const token = await bound()
    const guard = guardOf()
    const jti = 'kept-jti'
    await expectProofError(dpopRequest(token, proofFor(token, { jti, method: 'POST' })), guard)
    expect((await guard.authenticate(dpopRequest(token, proofFor(token, { jti }))))?.scheme).toBe(
      'DPoP',
    )
  })
  it('a proof for a token bound to another key, or for an unbound token, does not use up its jti', async () => {
    const guard = guardOf()
    const jti = 'kept-across-binding-failures'
    const theirs = await bound(other.jkt)
    await expectProofError(dpopRequest(theirs, proofFor(theirs, { jti })), guard)
    const unbound = await issuer.token({ sub: 'alice' })
    await rejection(guard.authenticate(dpopRequest(unbound, proofFor(unbound, { jti }))))
    const ours = await bound()
    const auth = await guard.authenticate(dpopRequest(ours, proofFor(ours, { jti })))
    expect(auth?.scheme).toBe('DPoP')
  })
  it('signed by another key than the token is bound to (jkt)', async () => {
    const token = await bound(other.jkt)
    const error = await expectProofError(dpopRequest(token, proofFor(token)))
    expect(error.description).toMatch(/another key/)
  })
})

describe('binding between scheme and token', () => {
  it('a token not bound to a key, sent with DPoP → invalid_token', async () => {
    const token = await issuer.token({ sub: 'alice' })
    const error = await rejection(guardOf().authenticate(dpopRequest(token, proofFor(token))))
    expect(error.code).toBe('invalid_token')
    expect(error.headers['www-authenticate']).toMatch(/^DPoP /)
  })
  it('a DPoP-bound JWT sent as Bearer → invalid_token (also from the cache, also when DPoP is disabled)', async () => {
    const token = await bound()
    for (const dpop of ['allowed', 'disabled'] as const) {
      const guard = guardOf({ dpop })
      const bearer = { method: 'GET', url: URL_, headers: { authorization: `Bearer ${token}` } }
      const error = await rejection(guard.authenticate(bearer))
      expect(error.code).toBe('invalid_token')
      expect(() => guard.check(bearer)).toThrow(/DPoP-bound/) // cached now: decided at once
    }
  })
  it('an opaque token introspected as token_type DPoP, sent as Bearer → invalid_token', async () => {
    const token = await issuer.opaqueToken({ sub: 'a', token_type: 'DPoP', cnf: { jkt: key.jkt } })
    const guard = guardOf({
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    })
    const bearer = { method: 'GET', url: URL_, headers: { authorization: `Bearer ${token}` } }
    expect((await rejection(guard.authenticate(bearer))).code).toBe('invalid_token')
    // and with its proof it is accepted
    const auth = await guard.authenticate(dpopRequest(token, proofFor(token)))
    expect(auth).toMatchObject({ scheme: 'DPoP', format: 'opaque' })
  })
  it('DPoP and Bearer at once → 400 invalid_request', async () => {
    const token = await bound()
    const error = await rejection(
      guardOf().authenticate({
        method: 'GET',
        url: `${URL_}?access_token=${token}`,
        headers: { authorization: `DPoP ${token}`, dpop: proofFor(token) },
      }),
    )
    expect(error.status).toBe(400)
    const two = await rejection(
      guardOf().authenticate({
        method: 'GET',
        url: URL_,
        headers: { authorization: [`DPoP ${token}`, `Bearer ${token}`] },
      }),
    )
    expect(two.status).toBe(400)
  })
  it('both paths refuse a too long Bearer token the same way, also where DPoP is required', async () => {
    for (const dpop of ['allowed', 'required'] as const) {
      const guard = guardOf({ dpop, maxTokenLength: 10 })
      const request = {
        method: 'GET',
        url: URL_,
        headers: { authorization: 'Bearer abcdefghijkl' },
      }
      expect(() => guard.check(request)).toThrow(/too long/)
      expect((await rejection(guard.authenticate(request))).description).toMatch(/too long/)
    }
  })
  it('required: a Bearer token is refused with a DPoP challenge; no token gets DPoP algs', async () => {
    const guard = guardOf({ dpop: 'required' })
    const token = await issuer.token({ sub: 'a' })
    const error = await rejection(
      guard.authenticate({
        method: 'GET',
        url: URL_,
        headers: { authorization: `Bearer ${token}` },
      }),
    )
    expect(error.code).toBe('invalid_token')
    expect(error.headers['www-authenticate']).toMatch(/^DPoP /)
    const none = await rejection(guard.authenticate({ method: 'GET', url: URL_, headers: {} }))
    expect(none.headers['www-authenticate']).toMatch(/^DPoP algs="ES256 /)
  })
  it('disabled: the DPoP scheme is another scheme (a bare 401, no DPoP challenge)', async () => {
    const token = await bound()
    const error = await rejection(
      guardOf({ dpop: 'disabled' }).authenticate(dpopRequest(token, proofFor(token))),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBeUndefined()
    expect(error.headers['www-authenticate']).toBe('Bearer realm="api"')
  })
  it('allowed: a 401 to a Bearer request advertises DPoP', async () => {
    const error = await rejection(guardOf().authenticate({ method: 'GET', url: URL_, headers: {} }))
    expect(error.headers['www-authenticate']).toMatch(/^Bearer realm="api", DPoP algs="ES256 /)
  })
})

describe('server nonces (RFC 9449 §9)', () => {
  const secret = 'a-nonce-secret-of-32-bytes-or-more!!'
  it('a proof without nonce gets use_dpop_nonce and DPoP-Nonce; with it, it passes', async () => {
    const guard = guardOf({ dpop: { nonce: { secret } } })
    const token = await bound()
    const error = await rejection(guard.authenticate(dpopRequest(token, proofFor(token))))
    expect(error.code).toBe('use_dpop_nonce')
    const nonce = error.headers['dpop-nonce'] as string
    expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(guard.responseHeaders(dpopAuth)['dpop-nonce']).toBe(nonce)
    const auth = await guard.authenticate(dpopRequest(token, proofFor(token, { nonce })))
    expect(auth?.scheme).toBe('DPoP')
  })
  it('instances sharing the secret accept each other’s nonces; another secret does not', async () => {
    const a = guardOf({ dpop: { nonce: { secret } } })
    const b = guardOf({ dpop: { nonce: { secret: [`${secret}-new`, secret] } } })
    const c = guardOf({ dpop: { nonce: { secret: `${secret}-other` } } })
    const token = await bound()
    const nonce = a.responseHeaders(dpopAuth)['dpop-nonce'] as string
    expect((await b.authenticate(dpopRequest(token, proofFor(token, { nonce }))))?.scheme).toBe(
      'DPoP',
    )
    const error = await rejection(c.authenticate(dpopRequest(token, proofFor(token, { nonce }))))
    expect(error.code).toBe('use_dpop_nonce')
  })
  it('a made-up nonce is refused', async () => {
    const guard = guardOf({ dpop: { nonce: true } })
    const token = await bound()
    const error = await rejection(
      guard.authenticate(
        dpopRequest(token, proofFor(token, { nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })),
      ),
    )
    expect(error.code).toBe('use_dpop_nonce')
  })
  it('without nonces, no DPoP-Nonce goes with an answer', () => {
    expect(guardOf().responseHeaders(dpopAuth)).toEqual({})
  })
})

describe('replay store failures and options', () => {
  it('a failing replay store → 503, never a pass', async () => {
    const broken: ReplayStore = {
      claim: () => Promise.reject(new Error('redis down at 10.0.0.7:6379')),
    }
    const token = await bound()
    const error = await rejection(
      guardOf({ dpop: { replayStore: broken } }).authenticate(dpopRequest(token, proofFor(token))),
    )
    expect(error.status).toBe(503)
    expect(error.description).not.toMatch(/10\.0\.0\.7/)
  })
  it('bad dpop options are reported with the option and the fix', () => {
    expect(() => guardOf({ dpop: { algorithms: ['HS256'] } })).toThrow(
      /dpop.algorithms.*asymmetric/,
    )
    expect(() => guardOf({ dpop: { nonce: { secret: 'short' } } })).toThrow(
      /dpop.nonce.secret.*32 bytes/,
    )
    expect(() => guardOf({ dpop: 'sometimes' as never })).toThrow(
      /"dpop" has an invalid value: expected one of "allowed"\|"required"\|"disabled"; or expected object/,
    )
    expect(() => guardOf({ dpop: { mode: 'on' as never } })).toThrow(/"dpop.mode"/)
    expect(() => guardOf({ dpop: { nonce: { secret: 5 as never } } })).toThrow(
      /"dpop.nonce.secret".*must be a string or a Uint8Array/,
    )
    expect(() => guardOf({ dpop: { replayStore: {} as never } })).toThrow(/ReplayStore/)
  })
})
