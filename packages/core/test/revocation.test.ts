/**
 * JWT revocation: the `isRevoked` hook (sync or async, on fresh verifications and on cache
 * hits; a failing hook is 503, never a pass) and `guard.revoke(jwt)` (a verified JWT denied by
 * `iss` + `jti`, or by the token itself without one, until it expires; shared through a
 * `CacheStore` with other guards). The Redis-shared list is tested in @bearerguard/redis.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthError,
  createGuard,
  MemoryCacheStore,
  type AuthInfo,
  type CacheStore,
  type Guard,
  type GuardOptions,
  type IntrospectionCacheEntry,
} from '../src/index.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

const guardOf = (options: Partial<GuardOptions> = {}) =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, ...options })
const request = (token: string) => ({
  method: 'GET',
  url: '/',
  headers: { authorization: `Bearer ${token}` },
})

/** The status and error description of one authentication (200 when accepted). */
async function answer(guard: Guard, token: string): Promise<[number, string | undefined]> {
  try {
    await guard.authenticate(request(token))
    return [200, undefined]
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    return [error.status, error.description]
  }
}
const REVOKED: [number, string] = [401, 'The token has been revoked']

describe('isRevoked', () => {
  it('true refuses the token (401 invalid_token), false lets it through; sync and async', async () => {
    for (const wrap of [(v: boolean) => v, (v: boolean) => Promise.resolve(v)]) {
      const guard = guardOf({ isRevoked: (auth) => wrap(auth.claims.jti === 'bad') })
      expect(await answer(guard, await issuer.token({ jti: 'bad' }))).toEqual(REVOKED)
      expect(await answer(guard, await issuer.token({ jti: 'good' }))).toEqual([200, undefined])
    }
  })

  it('is asked on every request, cache hits included, with the whole identity', async () => {
    const seen: AuthInfo[] = []
    let revoked = false
    const guard = guardOf({
      isRevoked: (auth) => {
        seen.push(auth)
        return revoked
      },
    })
    const token = await issuer.token({ sub: 'alice' })
    for (let i = 0; i < 4; i++) expect((await answer(guard, token))[0]).toBe(200)
    revoked = true
    expect(await answer(guard, token)).toEqual(REVOKED)
    expect(seen).toHaveLength(5)
    expect(seen[0]).toMatchObject({ subject: 'alice', format: 'jwt', scheme: 'Bearer', token })
  })

  it('runs before onAuthenticated, which never sees a revoked token', async () => {
    const authenticated: string[] = []
    const guard = guardOf({
      isRevoked: (auth) => auth.subject === 'mallory',
      onAuthenticated: (auth) => void authenticated.push(auth.subject ?? ''),
    })
    await answer(guard, await issuer.token({ sub: 'mallory' }))
    await answer(guard, await issuer.token({ sub: 'alice' }))
    expect(authenticated).toEqual(['alice'])
  })

  it('a hook that throws or rejects is a 503 with Retry-After, never a pass', async () => {
    const hooks = [
      () => {
        throw new Error('deny list down')
      },
      () => Promise.reject(new Error('deny list down')),
    ]
    for (const isRevoked of hooks) {
      const guard = guardOf({ isRevoked })
      const error = await guard
        .authenticate(request(await issuer.token({})))
        .catch((e: unknown) => e as AuthError)
      expect(error).toBeInstanceOf(AuthError)
      expect((error as AuthError).status).toBe(503)
      expect((error as AuthError).headers['retry-after']).toBe('1')
      expect((error as AuthError).description).toBe('The revocation check failed')
      expect(JSON.stringify(error)).not.toContain('deny list down')
    }
  })

  it('an answer other than true or false is a TypeError (a bug: 500), never a pass', async () => {
    for (const verdict of [undefined, 'yes', 1, null]) {
      const guard = guardOf({ isRevoked: () => verdict as unknown as boolean })
      await expect(guard.authenticate(request(await issuer.token({})))).rejects.toThrow(TypeError)
    }
  })

  it('is not asked for an anonymous request, nor for a token refused before', async () => {
    let calls = 0
    const guard = guardOf({
      optional: true,
      isRevoked: () => {
        calls++
        return false
      },
    })
    expect(await guard.authenticate({ method: 'GET', url: '/', headers: {} })).toBeUndefined()
    expect((await answer(guard, await issuer.token({ aud: 'other' })))[0]).toBe(401)
    expect(calls).toBe(0)
  })

  it('must be a function', () => {
    expect(() => guardOf({ isRevoked: true as never })).toThrow(/isRevoked/)
  })
})

describe('guard.revoke(jwt)', () => {
  it('denies the token from then on, cached or not, and only that token', async () => {
    const guard = guardOf()
    const token = await issuer.token({ jti: 'j-1' })
    const other = await issuer.token({ jti: 'j-2' })
    for (let i = 0; i < 3; i++) await answer(guard, token) // held verified by now
    await guard.revoke(token)
    expect(await answer(guard, token)).toEqual(REVOKED)
    expect(await answer(guard, token)).toEqual(REVOKED)
    expect(await answer(guard, other)).toEqual([200, undefined])
  })

  it('by iss + jti: another encoding of the same jti is denied too', async () => {
    const guard = guardOf()
    await guard.revoke(await issuer.token({ jti: 'same', sub: 'alice' }))
    expect(await answer(guard, await issuer.token({ jti: 'same', sub: 'alice', x: 1 }))).toEqual(
      REVOKED,
    )
  })

  it('without a jti: the token itself', async () => {
    const guard = guardOf()
    const token = await issuer.token({ jti: undefined, sub: 'alice' })
    await guard.revoke(token)
    expect(await answer(guard, token)).toEqual(REVOKED)
    expect((await answer(guard, await issuer.token({ jti: undefined, sub: 'bob' })))[0]).toBe(200)
  })

  it('a forged or invalid token revokes nothing (a jti is only taken from a verified token)', async () => {
    const guard = guardOf()
    const victim = await issuer.token({ jti: 'victim' })
    await guard.revoke(await issuer.token({ jti: 'victim' }, { key: 'unknown' }))
    await guard.revoke(await issuer.token({ jti: 'victim', aud: 'other' }))
    await guard.revoke('not a token')
    expect(await answer(guard, victim)).toEqual([200, undefined])
  })

  it('is shared with the guards that share the store, and lives as long as the token', async () => {
    const entries: Array<{ key: string; entry: IntrospectionCacheEntry; ttlMs: number }> = []
    const store = new MemoryCacheStore()
    const spy: CacheStore = {
      get: (key) => store.get(key),
      set: (key, entry, ttlMs) => store.set(key, entry, ttlMs),
      delete: (key) => store.delete(key),
      peek: (key) => store.peek(key),
      deny: async (key, entry, ttlMs) => {
        entries.push({ key, entry, ttlMs })
        await store.deny(key, entry, ttlMs)
      },
      onRevoked: (listener) => store.onRevoked(listener),
    }
    const a = guardOf({ revocationStore: spy })
    const b = guardOf({ revocationStore: spy })
    const exp = Math.floor(Date.now() / 1000) + 120
    const token = await issuer.token({ jti: 'shared', exp })
    for (let i = 0; i < 3; i++) expect((await answer(b, token))[0]).toBe(200)
    await a.revoke(token)
    expect(await answer(b, token)).toEqual(REVOKED)
    expect(entries).toHaveLength(1)
    expect(entries[0]?.key).toMatch(/^jwt-deny:[A-Za-z0-9_-]{43}$/)
    expect(entries[0]?.entry).toEqual({ active: false })
    // until exp + clockTolerance (30 s)
    const expected = (exp + 30) * 1000 - Date.now()
    expect(entries[0]?.ttlMs).toBeGreaterThan(expected - 5000)
    expect(entries[0]?.ttlMs).toBeLessThanOrEqual(expected + 1000)
  })

  it('a store without deny(): set() records it; a guard verifying the token afresh reads it', async () => {
    const map = new Map<string, IntrospectionCacheEntry>()
    let gets = 0
    const plain: CacheStore = {
      get: async (key) => {
        gets++
        return map.get(key)
      },
      set: async (key, entry) => void map.set(key, entry),
      delete: async (key) => void map.delete(key),
    }
    const a = guardOf({ revocationStore: plain })
    const b = guardOf({ revocationStore: plain, jwtCache: false })
    const token = await issuer.token({ jti: 'plain' })
    expect((await answer(b, token))[0]).toBe(200)
    await a.revoke(token)
    expect([...map.values()]).toEqual([{ active: false }])
    expect(await answer(b, token)).toEqual(REVOKED)
    expect(gets).toBeGreaterThanOrEqual(2)
  })

  it('a shared store that cannot be read: a token verified afresh is 503, never a pass', async () => {
    const down: CacheStore = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
      delete: () => Promise.reject(new Error('ECONNREFUSED')),
    }
    const guard = guardOf({ revocationStore: down })
    const [status, description] = await answer(guard, await issuer.token({}))
    expect([status, description]).toEqual([503, 'The revocation list is unavailable'])
    // revoking through it rejects: the caller knows the token is not denied elsewhere
    await expect(guard.revoke(await issuer.token({ jti: 'x' }))).rejects.toThrow('ECONNREFUSED')
  })

  it('revocationStore must be a CacheStore', async () => {
    expect(() => guardOf({ revocationStore: {} as never })).toThrow(/revocationStore/)
  })
})
