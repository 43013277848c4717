/** The verified-token cache: what it saves, and why it is safe. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import * as crypto from 'node:crypto'
import * as jose from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard, type Guard } from '../src/guard/create-guard.js'
import type { AuthInfo } from '../src/identity/auth-info.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { VerifiedTokenCache } from '../src/jwt/verified-token-cache.js'
import { signatureFastPath } from '../src/jwt/signature-fast-path.js'
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
/** node:crypto as core finds it (through process.getBuiltinModule), with `verify` counted. */
const verify = vi.fn((...args: Parameters<typeof crypto.verify>) => crypto.verify(...args))
/** What `guard.check` decided at once, or 'waits' when it returned a promise (left to settle). */
function now(guard: Guard, req: Parameters<Guard['check']>[0]) {
  const result = guard.check(req)
  if (!(result instanceof Promise)) return result
  result.catch(() => {})
  return 'waits' as const
}

/** Signature checks made, through either path of verify-signature.ts. */
const verifications = () =>
  vi.mocked(jose.compactVerify).mock.calls.length + verify.mock.calls.length

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer
beforeAll(async () => {
  overrideNodeBuiltins({
    ...nodeBuiltins(),
    crypto: { ...crypto, verify } as unknown as typeof crypto,
  })
  await signatureFastPath().tested() // its known signatures are not the tokens counted here
  expect(signatureFastPath().proven?.has('RS256')).toBe(true)
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(async () => {
  overrideNodeBuiltins('runtime')
  await issuer.close()
})
beforeEach(() => {
  vi.mocked(jose.compactVerify).mockClear()
  verify.mockClear()
})
afterEach(() => vi.useRealTimers())

const guardOf = (options: Partial<GuardOptions> = {}): Guard =>
  createGuard({
    issuer: issuer.url,
    audience: AUDIENCE,
    jwksCooldown: 0,
    ...options,
  } as GuardOptions)
const request = (token: string) => ({
  method: 'GET',
  url: '/',
  headers: { authorization: `Bearer ${token}` },
})
async function status(guard: Guard, token: string): Promise<number> {
  try {
    await guard.authenticate(request(token))
    return 200
  } catch (error) {
    return (error as AuthError).status
  }
}

describe('the verified-token cache', () => {
  it('verifies a reused token twice — admitted on its second verification — then never again', async () => {
    const guard = guardOf()
    const token = await issuer.token({ sub: 'alice', scope: 'a b' })
    for (let i = 0; i < 10; i++) expect(await status(guard, token)).toBe(200)
    expect(verifications()).toBe(2)
  })
  it('keeps tokens used once out, so a flood of distinct tokens never pushes a reused one out', async () => {
    const guard = guardOf({ jwtCache: { max: 2 } })
    const hot = await issuer.token({ sub: 'hot' })
    await status(guard, hot)
    await status(guard, hot) // admitted
    for (let i = 0; i < 5; i++)
      expect(await status(guard, await issuer.token({ sub: `once-${i}` }))).toBe(200)
    const before = verifications()
    expect(await status(guard, hot)).toBe(200)
    expect(verifications()).toBe(before) // still cached
  })

  it('serves the same identity, frozen, so no request can change what another sees', async () => {
    const guard = guardOf()
    const token = await issuer.token({ sub: 'alice', scope: 'a b', ext: { tenant: 'x' } })
    const first = await guard.authenticate(request(token))
    expect(() => (first?.scopes as string[]).push('admin')).toThrow(TypeError)
    expect(() => ((first?.claims as { ext: { tenant: string } }).ext.tenant = 'y')).toThrow(
      TypeError,
    )
    const second = await guard.authenticate(request(token))
    expect(second?.scopes).toEqual(['a', 'b'])
    expect(second?.tokenSource).toBe('header')
  })

  it('re-checks exp on every hit: an entry still held after exp is not served', async () => {
    const guard = guardOf({ clockTolerance: 0 })
    const token = await issuer.token({ exp: Math.floor(Date.now() / 1000) + 60 })
    expect(await status(guard, token)).toBe(200)
    // lru-cache times entries with performance.now(); move only the wall clock past exp
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_600_000 })
    expect(await status(guard, token)).toBe(401)
    expect(verifications()).toBe(1) // rejected at the hit, not re-verified
  })

  it('re-checks maxTokenAge on every hit', async () => {
    const guard = guardOf({ maxTokenAge: 120, clockTolerance: 0 })
    const token = await issuer.token({})
    expect(await status(guard, token)).toBe(200)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 600_000 })
    expect(await status(guard, token)).toBe(401)
  })

  it('drops what was verified with a key set that has changed (rotation)', async () => {
    const fresh = await createTestIssuer({ audience: AUDIENCE })
    try {
      const guard = createGuard({ issuer: fresh.url, audience: AUDIENCE, jwksCooldown: 0 })
      const old = await fresh.token({})
      expect(await status(guard, old)).toBe(200)
      expect(await status(guard, old)).toBe(200)
      await fresh.rotateKeys() // the old key is removed
      expect(await status(guard, await fresh.token({}))).toBe(200) // the guard refetches the JWKS
      expect(await status(guard, old)).toBe(401)
    } finally {
      await fresh.close()
    }
  })

  it('is per guard: another audience is never served from it', async () => {
    const ours = guardOf()
    const theirs = guardOf({ audience: 'https://other.example.com' })
    const token = await issuer.token({})
    expect(await status(ours, token)).toBe(200)
    expect(await status(theirs, token)).toBe(401)
  })

  it("keeps one issuer's results apart from another's", async () => {
    const other = await createTestIssuer({ audience: AUDIENCE })
    try {
      const guard = createGuard({
        issuer: [issuer.url, other.url],
        audience: AUDIENCE,
        jwksCooldown: 0,
      })
      const token = await issuer.token({})
      expect(await status(guard, token)).toBe(200)
      // the same claims and kid, signed by the other issuer's key, are another token string
      const forged = await other.token(
        { iss: issuer.url },
        { header: { kid: issuer.publicJwk('RS256').kid } },
      )
      expect(await status(guard, forged)).toBe(401)
    } finally {
      await other.close()
    }
  })

  it('never caches a failure', async () => {
    const guard = guardOf()
    const bad = await issuer.token({}, { key: 'unknown' })
    expect(await status(guard, bad)).toBe(401)
    expect(await status(guard, bad)).toBe(401)
    expect(verifications()).toBe(2)
  })

  it('guard.revoke(token) evicts it, and the token is refused from then on', async () => {
    const guard = guardOf()
    const token = await issuer.token({})
    await status(guard, token)
    await status(guard, token)
    await status(guard, token) // held verified now
    await guard.revoke(token)
    expect(await status(guard, token)).toBe(401)
    expect(await status(guard, await issuer.token({}))).toBe(200)
  })

  it('jwtCache: false verifies every request', async () => {
    const guard = guardOf({ jwtCache: false })
    const token = await issuer.token({})
    await status(guard, token)
    await status(guard, token)
    expect(verifications()).toBe(2)
  })

  it('an entry never outlives the ceiling (ttl)', async () => {
    const guard = guardOf({ jwtCache: { ttl: 0.05 } })
    const token = await issuer.token({})
    await status(guard, token)
    await new Promise((resolve) => setTimeout(resolve, 80))
    await status(guard, token)
    expect(verifications()).toBe(2)
  })
})

describe('VerifiedTokenCache', () => {
  it('is bounded by max', () => {
    const cache = new VerifiedTokenCache<object>({ max: 2, ttl: 60 })
    for (const token of ['a', 'b', 'c', 'a', 'b', 'c'])
      cache.set(token, { issuer: 'i', value: {}, generation: 0 }, {}, Date.now())
    expect(cache.size).toBe(2)
    expect(cache.get('a', Date.now())).toBeUndefined()
  })
  it('is bounded by memory', () => {
    const cache = new VerifiedTokenCache<object>({ max: 1000, ttl: 60, maxBytes: 10_000 })
    for (let i = 0; i < 200; i++)
      cache.set(
        `${i % 100}`.padEnd(1000, 'x'),
        { issuer: 'i', value: {}, generation: 0 },
        {},
        Date.now(),
      )
    expect(cache.size).toBeLessThanOrEqual(4)
  })
  it('stores nothing for a token already expired', () => {
    const cache = new VerifiedTokenCache<object>({ max: 10, ttl: 60 })
    cache.set(
      't',
      { issuer: 'i', value: {}, generation: 0 },
      { exp: Date.now() / 1000 - 1 },
      Date.now(),
    )
    expect(cache.size).toBe(0)
  })
  it('serves an entry until its lifetime ends, then drops it', () => {
    const cache = new VerifiedTokenCache<object>({ max: 10, ttl: 60 })
    const now = Date.now()
    const entry = { issuer: 'i', value: {}, generation: 0 }
    cache.set('t', entry, { exp: now / 1000 + 10 }, now)
    expect(cache.get('t', now)).toBeUndefined() // seen once: not admitted yet
    cache.set('t', entry, { exp: now / 1000 + 10 }, now)
    expect(cache.get('t', now + 9_999)).toBe(entry)
    expect(cache.get('t', now + 10_000)).toBeUndefined()
    expect(cache.size).toBe(0)
    cache.set('u', entry, {}, now)
    cache.set('u', entry, {}, now) // the 60 s ceiling
    expect(cache.get('u', now + 59_999)).toBe(entry)
    expect(cache.get('u', now + 60_000)).toBeUndefined()
  })
})

describe('guard.check (the pipeline decides at once when it can)', () => {
  it('a promise on a miss, the same AuthInfo as authenticate at once on a hit', async () => {
    const guard = guardOf()
    const token = await issuer.token({ sub: 'alice', scope: 'a' })
    const first = guard.check(request(token))
    expect(first).toBeInstanceOf(Promise)
    const slow = await first
    expect(now(guard, request(token))).toEqual(slow) // verified again at once: keys at hand
    const fast = now(guard, request(token)) // admitted on its second verification: a hit
    expect(fast).toEqual(slow)
    expect(verifications()).toBe(2)
  })
  it('decides requests without a token at once: 401, or undefined when optional', () => {
    const none = { method: 'GET', url: '/', headers: {} }
    expect(() => guardOf().check(none)).toThrow(AuthError)
    expect(guardOf({ optional: true }).check(none)).toBeUndefined()
  })
  it('throws the same 400 for a malformed request, challenge included', () => {
    try {
      guardOf().check({
        method: 'GET',
        url: '/',
        headers: { authorization: 'Bearer a b' },
      })
    } catch (error) {
      expect((error as AuthError).status).toBe(400)
      expect((error as AuthError).headers['www-authenticate']).toContain('invalid_request')
    }
    expect.assertions(2)
  })
  it('calls the hooks as authenticate does', async () => {
    const seen: string[] = []
    const guard = guardOf({
      onAuthenticated: (auth) => void seen.push(auth.subject ?? ''),
      onRejected: (e) => void seen.push(String(e.status)),
    })
    const token = await issuer.token({ sub: 'bob' })
    await guard.authenticate(request(token))
    expect(now(guard, request(token))).toMatchObject({ subject: 'bob' })
    expect(() => guard.check({ method: 'GET', url: '/', headers: {} })).toThrow()
    expect(seen).toEqual(['bob', 'bob', '401'])
  })
})

describe('guard.check verifies at once a new JWT whose keys are at hand', () => {
  it('waits for the first key use, then decides new tokens signed with that key at once', async () => {
    const guard = guardOf()
    const first = await issuer.token({ sub: 'first' })
    const pending = guard.check(request(first)) // the JWKS is fetched, the key imported
    expect(pending).toBeInstanceOf(Promise)
    await pending
    const second = await issuer.token({ sub: 'second' }) // never seen: not a cache hit
    expect(now(guard, request(second))).toMatchObject({ subject: 'second' })
    expect(verifications()).toBe(2)
    expect(now(guard, request(second))).toMatchObject({ subject: 'second' }) // admitted now
    expect(now(guard, request(second))).toMatchObject({ subject: 'second' }) // cached
    expect(verifications()).toBe(3)
  })
  it('throws a bad signature at once, a 401 rendered like any other', async () => {
    const guard = guardOf()
    await guard.authenticate(request(await issuer.token({})))
    const token = await issuer.token({ sub: 'mallory' })
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.alloc(256).toString('base64url')}`
    try {
      guard.check(request(forged))
      expect.unreachable()
    } catch (error) {
      expect((error as AuthError).status).toBe(401)
      expect((error as AuthError).headers['www-authenticate']).toContain('error="invalid_token"')
      expect((error as AuthError).description).toBe('Token signature is invalid')
    }
  })
  it('a kid the set has not been asked for waits (jose selects and imports it)', async () => {
    const guard = guardOf()
    await guard.authenticate(request(await issuer.token({})))
    await issuer.rotateKeys()
    const rotated = await issuer.token({ sub: 'new-key' })
    const pending = guard.check(request(rotated))
    expect(pending).toBeInstanceOf(Promise)
    expect(await pending).toMatchObject({ subject: 'new-key' })
  })
})

describe('guard.check with opaque tokens', () => {
  const introspecting = () =>
    guardOf({ introspection: { clientId: 'test-client', clientSecret: 'test-secret' } })
  it('answers a cached opaque token at once, as authenticate does', async () => {
    const guard = introspecting()
    const token = await issuer.opaqueToken({ sub: 'carol', scope: 'a' })
    const first = guard.check(request(token))
    expect(first).toBeInstanceOf(Promise)
    const slow = await first
    expect(now(guard, request(token))).toEqual(slow)
  })
  it('a cached inactive answer is a 401 at once', async () => {
    const guard = introspecting()
    await status(guard, 'unknown-opaque')
    expect(() => guard.check(request('unknown-opaque'))).toThrow(/not active/)
  })
  it('builds the identity once per introspection result, and only for its own token', async () => {
    const guard = introspecting()
    const token = await issuer.opaqueToken({ sub: 'dave', scope: 'a b' })
    await guard.authenticate(request(token))
    const first = guard.check(request(token)) as AuthInfo
    const second = guard.check(request(token)) as AuthInfo
    expect(second.scopes).toBe(first.scopes) // the same frozen identity, not rebuilt
    expect(second).toEqual(first)
  })
  it('a store answering one entry for every key never lends one token’s identity to another', async () => {
    const entry = {
      active: true as const,
      issuer: issuer.url,
      claims: { sub: 'shared', scope: 'a', aud: AUDIENCE },
    }
    const store = {
      get: async () => entry,
      peek: () => entry,
      set: async () => {},
      delete: async () => {},
    }
    const guard = guardOf({
      introspection: { clientId: 'test-client', clientSecret: 'test-secret', cache: { store } },
    })
    const a = guard.check(request('opaque-token-a')) as AuthInfo
    const b = guard.check(request('opaque-token-b')) as AuthInfo
    expect(a.token).toBe('opaque-token-a')
    expect(b.token).toBe('opaque-token-b')
    expect((await guard.authenticate(request('opaque-token-a')))?.token).toBe('opaque-token-a')
  })
  it('an opaque token revoked through the guard is no longer answered from the cache', async () => {
    const guard = introspecting()
    const token = await issuer.opaqueToken({})
    await guard.authenticate(request(token))
    await guard.revoke(token)
    expect(now(guard, request(token))).toBe('waits')
  })
})
