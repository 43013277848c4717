/**
 * `jwksStore`: key sets that outlive the process (a Workers isolate) that fetched them. Against
 * the testing kit's real authorization server; each guard stands for a new isolate, and guards
 * sharing one store for isolates sharing one Workers KV namespace. The clock the guard reads
 * (`Date`) is faked where ages matter; timers and the network are real.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard, type Guard } from '../src/guard/create-guard.js'
import {
  JWKS_STORE_TIMEOUT_MS,
  jwksStoreKey,
  type JwksStore,
  type JwksStoreEntry,
} from '../src/keys/jwks-store.js'
import type { GuardOptions } from '../src/options/guard-options.js'
import { GuardOptionError } from '../src/options/option-error.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE, algorithms: ['ES256'] })
})
afterAll(() => issuer.close())
beforeEach(() => {
  issuer.fault('all', undefined)
  issuer.setJwks(undefined)
  issuer.resetCounts()
})
afterEach(() => vi.useRealTimers())

/** A store as Workers KV is one: JSON in, JSON out, entries expiring after their TTL. */
function memoryStore() {
  const entries = new Map<string, { json: string; expiresAt: number }>()
  const store = {
    entries,
    get: vi.fn(async (key: string): Promise<JwksStoreEntry | undefined> => {
      const held = entries.get(key)
      if (!held || held.expiresAt <= Date.now()) return undefined
      return JSON.parse(held.json) as JwksStoreEntry
    }),
    set: vi.fn(async (key: string, entry: JwksStoreEntry, ttlMs: number): Promise<void> => {
      entries.set(key, { json: JSON.stringify(entry), expiresAt: Date.now() + ttlMs })
    }),
    /** The entry under `key`, read as the guard would. */
    entry: (key: string) => JSON.parse(entries.get(key)?.json ?? 'null') as JwksStoreEntry | null,
  }
  return store
}

const guardOf = (options: Partial<GuardOptions> = {}): Guard =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, timeout: 1000, ...options } as GuardOptions)
const withJwksUri = (options: Partial<GuardOptions> = {}) =>
  guardOf({ jwksUri: issuer.jwksUri, ...options })

/** The answer's status and, for an error, its description. */
async function answer(guard: Guard, token: string) {
  try {
    await guard.authenticate({
      method: 'GET',
      url: 'https://api.example.com/orders',
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: 200 }
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    return { status: error.status, description: error.description }
  }
}
const status = async (guard: Guard, token: string) => (await answer(guard, token)).status
const counts = () => ({
  discovery: issuer.requestCount('discovery'),
  jwks: issuer.requestCount('jwks'),
})
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms)

describe('two guards sharing a jwksStore (two isolates)', () => {
  it('the second verifies its first token without a JWKS request (a configured jwksUri)', async () => {
    const store = memoryStore()
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts()).toEqual({ discovery: 0, jwks: 1 })
    const key = jwksStoreKey({ jwksUri: issuer.jwksUri })
    expect(store.set).toHaveBeenCalledTimes(1)
    expect(store.set).toHaveBeenCalledWith(
      key,
      { jwks: issuer.jwks(), fetchedAt: expect.any(Number) },
      3_600_000, // kept for jwksStaleWindow (the longer of it and jwksCacheMaxAge)
    )
    expect(key).toMatch(/^jwks:[\w-]{43}$/)

    issuer.resetCounts()
    const second = withJwksUri({ jwksStore: store })
    expect(await status(second, await issuer.token({ sub: 'bob' }))).toBe(200)
    expect(counts()).toEqual({ discovery: 0, jwks: 0 })
    expect(store.get).toHaveBeenCalledTimes(2)
    expect(store.set).toHaveBeenCalledTimes(1) // nothing fetched, nothing written
  })

  it('with discovery, the second needs neither the discovery document nor the JWKS', async () => {
    const store = memoryStore()
    expect(await status(guardOf({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts()).toEqual({ discovery: 1, jwks: 1 })
    expect(store.entry(jwksStoreKey({ issuer: issuer.url }))?.jwks).toEqual(issuer.jwks())

    issuer.resetCounts()
    expect(await status(guardOf({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts()).toEqual({ discovery: 0, jwks: 0 })
  })

  it('warm() takes the stored set too', async () => {
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready()
    issuer.resetCounts()
    const second = withJwksUri({ jwksStore: store })
    await second.ready()
    expect(await status(second, await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(0)
  })

  it('an entry older than jwksCacheMaxAge is fetched again, and the store updated', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const store = memoryStore()
    const key = jwksStoreKey({ jwksUri: issuer.jwksUri })
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    const first = store.entry(key)?.fetchedAt as number
    advance(599_000) // still younger than the default 600 s
    issuer.resetCounts()
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(0)

    advance(2_000) // 601 s old
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1)
    expect(store.entry(key)?.fetchedAt).toBe(first + 601_000)
  })

  it('a stored set keeps its age: a guard that took it refreshes it when it turns jwksCacheMaxAge', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready()
    advance(500_000)
    issuer.resetCounts()
    const second = withJwksUri({ jwksStore: store, jwtCache: false })
    expect(await status(second, await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(0)
    advance(101_000) // the stored set is now 601 s old: refreshed in the background
    expect(await status(second, await issuer.token())).toBe(200)
    await vi.waitFor(() => expect(counts().jwks).toBe(1))
  })

  it('an unknown kid is fetched despite the store, even one stored a moment ago', async () => {
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready() // stores the keys before the rotation
    await issuer.rotateKeys()
    issuer.resetCounts()

    const second = withJwksUri({ jwksStore: store })
    expect(await status(second, await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1) // the stored set lacked the kid: fetched, not answered 401
    const key = jwksStoreKey({ jwksUri: issuer.jwksUri })
    expect(store.entry(key)?.jwks).toEqual(issuer.jwks()) // and the rotated set is stored

    // the set this guard fetched is current: another unknown kid waits for jwksCooldown
    const forged = await issuer.token({}, { header: { kid: 'not-published' } })
    expect(await answer(second, forged)).toEqual({
      status: 401,
      description: 'No key matches the token',
    })
    expect(counts().jwks).toBe(1)

    issuer.resetCounts()
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(0) // the next isolate finds the rotated set stored
  })

  it('an unknown kid is fetched even when the store holds a newer entry (lacking it too)', async () => {
    const before = issuer.jwks()
    let entry: JwksStoreEntry = { jwks: before, fetchedAt: Date.now() - 2_000 }
    const store: JwksStore = { get: async () => entry, set: async () => undefined }
    const guard = withJwksUri({ jwksStore: store })
    await guard.ready()
    await issuer.rotateKeys()
    entry = { jwks: before, fetchedAt: Date.now() - 1_000 } // written since, before the rotation
    expect(await status(guard, await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1)
  })

  it('an entry past jwksCacheMaxAge verifies known keys while the JWKS endpoint is down, until jwksStaleWindow', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready()
    issuer.fault('jwks', { type: 'status', status: 503 })
    advance(1_800_000) // 30 minutes: past jwksCacheMaxAge, within jwksStaleWindow
    issuer.resetCounts()
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1) // the refetch was tried first

    advance(1_801_000) // past jwksStaleWindow: the entry is no good any more
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(503)
  })

  it('a kid missing from a stale entry is a 503 while the endpoint is down, never a 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready()
    await issuer.rotateKeys()
    issuer.fault('jwks', { type: 'status', status: 503 })
    advance(1_800_000)
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(503)
  })
})

describe('a store that fails is a miss', () => {
  const never = () => new Promise<never>(() => undefined)
  const broken: Array<[string, JwksStore]> = [
    [
      'rejects',
      {
        get: () => Promise.reject(new Error('down')),
        set: () => Promise.reject(new Error('down')),
      },
    ],
    [
      'throws',
      {
        get: () => {
          throw new Error('down')
        },
        set: () => {
          throw new Error('down')
        },
      },
    ],
    ['hangs', { get: never, set: never }],
  ]
  it.each(broken)(
    'a store that %s: the request succeeds by fetching, within the deadline',
    async (_, store) => {
      const guard = withJwksUri({ jwksStore: store })
      const token = await issuer.token()
      const started = performance.now()
      expect(await status(guard, token)).toBe(200)
      // one get and one set at most JWKS_STORE_TIMEOUT_MS each, and a local fetch
      expect(performance.now() - started).toBeLessThan(2 * JWKS_STORE_TIMEOUT_MS + 500)
      expect(counts().jwks).toBe(1)
    },
  )

  it('a slow store that answers after the deadline is not waited for', async () => {
    const store = memoryStore()
    await withJwksUri({ jwksStore: store }).ready()
    issuer.resetCounts()
    const slow: JwksStore = {
      get: async (key) => {
        await new Promise((resolve) => setTimeout(resolve, JWKS_STORE_TIMEOUT_MS + 200))
        return store.get(key)
      },
      set: async () => undefined,
    }
    expect(await status(withJwksUri({ jwksStore: slow }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1)
  })
})

describe('what a store returns is checked as a fetched JWKS is', () => {
  const now = Date.now()
  const cyclic: Record<string, unknown> = { keys: [] }
  cyclic.self = cyclic
  const garbage: Array<[string, () => unknown]> = [
    ['null', () => null],
    ['a string', () => 'garbage'],
    ['an array', () => [issuer.jwks()]],
    ['no fetchedAt', () => ({ jwks: issuer.jwks() })],
    ['a fetchedAt that is not a number', () => ({ jwks: issuer.jwks(), fetchedAt: 'today' })],
    ['a fetchedAt that is not finite', () => ({ jwks: issuer.jwks(), fetchedAt: Infinity })],
    ['a fetchedAt far in the future', () => ({ jwks: issuer.jwks(), fetchedAt: now + 86_400_000 })],
    ['no jwks', () => ({ fetchedAt: now })],
    ['jwks that is not a JWK Set', () => ({ jwks: { keys: 'all of them' }, fetchedAt: now })],
    ['a JWK that is not an object', () => ({ jwks: { keys: ['k1'] }, fetchedAt: now })],
    ['a cyclic object', () => ({ jwks: cyclic, fetchedAt: now })],
    ['a BigInt', () => ({ jwks: { keys: [{ kty: 1n }] }, fetchedAt: now })],
    [
      'a getter that throws',
      () => ({
        get jwks() {
          throw new Error('boom')
        },
        fetchedAt: now,
      }),
    ],
    [
      'a document larger than maxResponseSize',
      () => ({
        jwks: { keys: [...issuer.jwks().keys, { kty: 'oct', k: 'x'.repeat(600 * 1024) }] },
        fetchedAt: now,
      }),
    ],
  ]
  it.each(garbage)('%s: ignored, and the JWKS fetched', async (_, value) => {
    const set = vi.fn(async () => undefined)
    const store = { get: async () => value(), set } as unknown as JwksStore
    expect(await status(withJwksUri({ jwksStore: store }), await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(1)
    expect(set).toHaveBeenCalledTimes(1) // and the fetched set written over it
  })

  it('a stored document is parsed afresh from its JSON: changing the object later changes nothing', async () => {
    const entry = { jwks: issuer.jwks(), fetchedAt: Date.now() }
    const store: JwksStore = { get: async () => entry, set: async () => undefined }
    const guard = withJwksUri({ jwksStore: store, jwtCache: false })
    expect(await status(guard, await issuer.token())).toBe(200)
    entry.jwks.keys.length = 0
    expect(await status(guard, await issuer.token())).toBe(200)
    expect(counts().jwks).toBe(0)
  })
})

describe('the jwksStore option', () => {
  it.each([
    ['a string', 'kv'],
    ['an object without set', { get: async () => undefined }],
    ['get that is not a function', { get: 1, set: async () => undefined }],
  ])('%s is refused, naming the option', (_, value) => {
    let thrown: unknown
    try {
      withJwksUri({ jwksStore: value as unknown as JwksStore })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(GuardOptionError)
    expect((thrown as GuardOptionError).option).toBe('jwksStore')
    expect((thrown as GuardOptionError).message).toMatch(/jwksStore.*must be a JwksStore/)
  })

  it('static keys and secrets never touch the store', async () => {
    const store = memoryStore()
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      keys: [issuer.publicJwk()],
      jwksStore: store,
    })
    expect(await status(guard, await issuer.token())).toBe(200)
    expect(store.get).not.toHaveBeenCalled()
    expect(store.set).not.toHaveBeenCalled()
  })
})
