/** The parts of sender-constrained tokens: htu normalisation, nonces, the replay store, mTLS binding. */
import { createHash } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { DpopNonces } from '../src/dpop/dpop-nonces.js'
import { normalizeHtu } from '../src/dpop/normalize-htu.js'
import { MemoryReplayStore } from '../src/dpop/replay-store.js'
import { checkCertificateBinding } from '../src/dpop/sender-constraint.js'
import type { AuthInfo } from '../src/identity/auth-info.js'
import { buildAuthInfo } from '../src/identity/build-auth-info.js'
import { createGuard } from '../src/guard/create-guard.js'
import { peerCertificate, type RequestLike } from '../src/request/request-like.js'

describe('normalizeHtu (RFC 3986 §6.2.2–6.2.3, without query and fragment)', () => {
  it.each([
    ['HTTPS://Api.Example.COM/a', 'https://api.example.com/a'],
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80/a', 'http://api.example.com/a'],
    ['https://api.example.com:8443/a', 'https://api.example.com:8443/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/%7euser/%41', 'https://api.example.com/~user/A'],
    ['https://api.example.com/a%2fb', 'https://api.example.com/a%2Fb'],
    ['https://api.example.com/a?x=1#y', 'https://api.example.com/a'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected)
  })
  it('keeps encoded reserved characters distinct from their decoded form', () => {
    expect(normalizeHtu('https://a.example/x%2Fy')).not.toBe(normalizeHtu('https://a.example/x/y'))
  })
  it.each(['/relative', 'ftp://a.example/x', 'https://user:pw@a.example/x', 'not a url', ''])(
    'refuses %j',
    (input) => {
      expect(normalizeHtu(input)).toBeUndefined()
    },
  )
})

describe('DpopNonces', () => {
  const secret = new TextEncoder().encode('s'.repeat(32))
  const nonces = new DpopNonces({ secrets: [secret], lifetime: 300 })
  const t0 = 1_700_000_000_000
  it('a nonce is accepted in its step and the next, not after', () => {
    const nonce = nonces.current(t0)
    expect(nonces.accepts(nonce, t0)).toBe(true)
    expect(nonces.accepts(nonce, t0 + 300_000)).toBe(true)
    expect(nonces.accepts(nonce, t0 + 600_000)).toBe(false)
  })
  it('refuses altered, foreign, malformed and non-string nonces', () => {
    const nonce = nonces.current(t0)
    const flipped = `${nonce.slice(0, -2)}${nonce.endsWith('AA') ? 'BA' : 'AA'}`
    expect(nonces.accepts(flipped, t0)).toBe(false)
    const foreign = new DpopNonces({ secrets: [new Uint8Array(32).fill(7)], lifetime: 300 })
    expect(nonces.accepts(foreign.current(t0), t0)).toBe(false)
    for (const bad of ['', '!!!', 'A'.repeat(100), 42, undefined, null]) {
      expect(nonces.accepts(bad, t0)).toBe(false)
    }
  })
  it('rotation: nonces of an older secret still verify while it is listed', () => {
    const old = new DpopNonces({ secrets: [secret], lifetime: 300 })
    const rotated = new DpopNonces({ secrets: [new Uint8Array(32).fill(1), secret], lifetime: 300 })
    expect(rotated.accepts(old.current(t0), t0)).toBe(true)
    expect(rotated.current(t0)).not.toBe(old.current(t0))
  })
})

describe('DpopNonces with a random secret', () => {
  it('makes its secret when first needed, not when the guard is created (Workers refuse random values at global scope)', () => {
    const random = vi.spyOn(globalThis.crypto, 'getRandomValues')
    try {
      const guard = createGuard({
        issuer: 'https://as.example.com',
        audience: 'https://api.example.com',
        dpop: { nonce: true },
      })
      const nonces = new DpopNonces({ secrets: 'random', lifetime: 300 })
      expect(random).not.toHaveBeenCalled()
      const nonce = nonces.current(Date.now())
      expect(random).toHaveBeenCalledOnce()
      expect(nonces.accepts(nonce, Date.now())).toBe(true)
      expect(new DpopNonces({ secrets: 'random', lifetime: 300 }).accepts(nonce, Date.now())).toBe(
        false,
      )
      expect(guard.responseHeaders({ scheme: 'DPoP', tokenSource: 'header' } as AuthInfo)).toEqual({
        'dpop-nonce': expect.stringMatching(/^[A-Za-z0-9_-]{30}$/),
      })
    } finally {
      random.mockRestore()
    }
  })
})

describe('MemoryReplayStore', () => {
  it('claims a key once while it lives', async () => {
    const store = new MemoryReplayStore()
    expect(store.claim('k', 50)).toBe(true)
    expect(store.claim('k', 50)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(store.claim('k', 50)).toBe(true)
  })
  it('is bounded', () => {
    const store = new MemoryReplayStore({ max: 3 })
    for (const k of ['a', 'b', 'c', 'd']) store.claim(k, 60_000)
    expect(store.size).toBe(3)
  })
})

describe('checkCertificateBinding (RFC 8705 §3, RFC 9440)', () => {
  const der = Buffer.from('a DER certificate, as far as this test cares')
  const x5t = createHash('sha256').update(der).digest('base64url')
  const auth = buildAuthInfo({
    token: 't',
    format: 'jwt',
    issuer: 'https://as.example.com',
    claims: { cnf: { 'x5t#S256': x5t } },
    scopeClaims: ['scope'],
    roleClaims: [],
  })
  const request = (extra: Partial<RequestLike>): RequestLike => ({
    method: 'GET',
    url: 'https://api.example.com/',
    headers: {},
    ...extra,
  })
  it('passes with the bound certificate from the TLS connection', () => {
    expect(() =>
      checkCertificateBinding(auth, request({ clientCertificate: () => der }), undefined),
    ).not.toThrow()
  })
  it('refuses a missing or another certificate (401 invalid_token)', () => {
    expect(() => checkCertificateBinding(auth, request({}), undefined)).toThrow(
      /none was presented/,
    )
    expect(() =>
      checkCertificateBinding(
        auth,
        request({ clientCertificate: () => Buffer.from('other') }),
        undefined,
      ),
    ).toThrow(/another client certificate/)
  })
  it('reads Client-Cert only when configured, and then only from it', () => {
    const header = { 'client-cert': `:${der.toString('base64')}:` }
    expect(() => checkCertificateBinding(auth, request({ headers: header }), undefined)).toThrow(
      /none was presented/,
    )
    expect(() =>
      checkCertificateBinding(auth, request({ headers: header }), 'client-cert'),
    ).not.toThrow()
    expect(() =>
      checkCertificateBinding(
        auth,
        request({ headers: { 'client-cert': der.toString('base64') } }),
        'client-cert',
      ),
    ).toThrow(/none was presented/)
  })
  it('a token without x5t#S256 needs no certificate', () => {
    const plain = buildAuthInfo({
      ...auth,
      token: 't',
      format: 'jwt',
      claims: {},
      scopeClaims: [],
      roleClaims: [],
    })
    expect(() => checkCertificateBinding(plain, request({}), undefined)).not.toThrow()
  })
})

describe('guard.responseHeaders and peerCertificate', () => {
  const guard = createGuard({
    issuer: 'https://as.example.com',
    audience: 'https://api.example.com',
    keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
    dpop: { nonce: { secret: 's'.repeat(32) } },
  })
  const auth = buildAuthInfo({
    token: 't',
    format: 'jwt',
    issuer: 'https://as.example.com',
    claims: {},
    scopeClaims: ['scope'],
    roleClaims: [],
  })
  it('nothing for a Bearer header token; Cache-Control for a query token; DPoP-Nonce for DPoP', () => {
    expect(guard.responseHeaders({ ...auth, tokenSource: 'header' })).toEqual({})
    expect(guard.responseHeaders({ ...auth, tokenSource: 'query' })).toEqual({
      'cache-control': 'private',
    })
    const dpop = guard.responseHeaders({ ...auth, scheme: 'DPoP', tokenSource: 'header' })
    expect(Object.keys(dpop)).toEqual(['dpop-nonce'])
    expect(dpop['dpop-nonce']).toMatch(/^[A-Za-z0-9_-]{20,}$/)
  })
  it('peerCertificate: the raw DER of a TLS socket, else undefined', () => {
    const der = Buffer.from('der')
    expect(peerCertificate({ getPeerCertificate: () => ({ raw: der }) })).toBe(der)
    expect(peerCertificate({ getPeerCertificate: () => ({}) })).toBeUndefined()
    expect(peerCertificate({ getPeerCertificate: () => null })).toBeUndefined()
    expect(peerCertificate({})).toBeUndefined()
    expect(peerCertificate(undefined)).toBeUndefined()
  })
})
