import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  MemoryCacheStore,
  type CacheStore,
  type IntrospectionCacheEntry,
} from '../src/introspection/cache-store.js'
import {
  IntrospectionCache,
  introspectionCacheKey,
} from '../src/introspection/introspection-cache.js'

const active = (claims: Record<string, unknown> = {}): IntrospectionCacheEntry => ({
  active: true,
  issuer: 'https://as.example.com',
  claims,
})

/** A store that records calls, for checking what the cache asks of it. */
function recordingStore(inner: CacheStore = new MemoryCacheStore()) {
  const calls: Array<[string, string, number?]> = []
  const store: CacheStore = {
    get: (k) => (calls.push(['get', k]), inner.get(k)),
    set: (k, e, ttl) => (calls.push(['set', k, ttl]), inner.set(k, e, ttl)),
    delete: (k) => (calls.push(['delete', k]), inner.delete(k)),
  }
  return { store, calls }
}

describe('introspectionCacheKey', () => {
  it('is a SHA-256 of issuer and token, never the token itself', () => {
    const key = introspectionCacheKey('https://as.example.com', 'secret-opaque-token')
    expect(key).not.toContain('secret')
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
  it('is SHA-256(issuer, NUL, token) in base64url: keys in a shared store stay stable across versions', () => {
    const expected = createHash('sha256').update('https://a\0tok\u00e9n').digest('base64url')
    expect(introspectionCacheKey('https://a', 'tok\u00e9n')).toBe(expected)
  })
  it('differs per issuer', () => {
    expect(introspectionCacheKey('https://a', 't')).not.toBe(
      introspectionCacheKey('https://b', 't'),
    )
  })
})

describe('IntrospectionCache', () => {
  it('one load for many concurrent callers of one key', async () => {
    const cache = new IntrospectionCache({
      store: new MemoryCacheStore(),
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
    })
    let loads = 0
    const load = async () => {
      loads++
      await new Promise((r) => setTimeout(r, 20))
      return active()
    }
    await Promise.all(Array.from({ length: 200 }, () => cache.get('k', load)))
    expect(loads).toBe(1)
  })

  it('serves later callers from the store', async () => {
    const cache = new IntrospectionCache({
      store: new MemoryCacheStore(),
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
    })
    let loads = 0
    for (let i = 0; i < 10; i++) await cache.get('k', async () => (loads++, active()))
    expect(loads).toBe(1)
  })

  it('an active entry lives min(ttl, exp − now)', async () => {
    const { store, calls } = recordingStore()
    const now = 1_000_000_000_000
    const cache = new IntrospectionCache({
      store,
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
      now: () => now,
    })
    await cache.get('a', async () => active({ exp: now / 1000 + 10 }))
    await cache.get('b', async () => active({ exp: now / 1000 + 1000 }))
    await cache.get('c', async () => active())
    const ttls = calls.filter(([op]) => op === 'set').map(([, k, ttl]) => [k, ttl])
    expect(ttls).toEqual([
      ['a', 10_000],
      ['b', 60_000],
      ['c', 60_000],
    ])
  })

  it('an already expired active entry is not stored', async () => {
    const { store, calls } = recordingStore()
    const cache = new IntrospectionCache({ store, ttlMs: 60_000, negativeTtlMs: 5_000 })
    await cache.get('a', async () => active({ exp: Date.now() / 1000 - 5 }))
    expect(calls.some(([op]) => op === 'set')).toBe(false)
  })

  it('an inactive entry lives negativeTtl', async () => {
    const { store, calls } = recordingStore()
    const cache = new IntrospectionCache({ store, ttlMs: 60_000, negativeTtlMs: 5_000 })
    await cache.get('a', async () => ({ active: false }))
    expect(calls.find(([op]) => op === 'set')?.[2]).toBe(5_000)
  })

  it('ttl 0 turns caching off (but keeps single flight)', async () => {
    const { store, calls } = recordingStore()
    const cache = new IntrospectionCache({ store, ttlMs: 0, negativeTtlMs: 5_000 })
    let loads = 0
    await cache.get('a', async () => (loads++, active()))
    await cache.get('a', async () => (loads++, active()))
    expect(loads).toBe(2)
    expect(calls).toEqual([])
  })

  it('failures are never cached', async () => {
    const cache = new IntrospectionCache({
      store: new MemoryCacheStore(),
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
    })
    await expect(cache.get('a', async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    )
    expect(await cache.get('a', async () => active({ ok: 1 }))).toEqual(active({ ok: 1 }))
  })

  it('a failing store counts as a miss and a failing set is ignored', async () => {
    const broken: CacheStore = {
      get: async () => Promise.reject(new Error('redis down')),
      set: async () => Promise.reject(new Error('redis down')),
      delete: async () => undefined,
    }
    const cache = new IntrospectionCache({ store: broken, ttlMs: 60_000, negativeTtlMs: 5_000 })
    expect(await cache.get('a', async () => active())).toEqual(active())
  })

  it('a hanging store counts as a miss after a short timeout', async () => {
    const hanging: CacheStore = {
      get: () => new Promise(() => {}),
      set: async () => undefined,
      delete: async () => undefined,
    }
    const cache = new IntrospectionCache({ store: hanging, ttlMs: 60_000, negativeTtlMs: 5_000 })
    const started = Date.now()
    expect(await cache.get('a', async () => active())).toEqual(active())
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('evict removes the entry, and a load in flight during eviction is not stored', async () => {
    const store = new MemoryCacheStore()
    const cache = new IntrospectionCache({ store, ttlMs: 60_000, negativeTtlMs: 5_000 })
    await cache.get('a', async () => active())
    await cache.evict('a')
    expect(await store.get('a')).toBeUndefined()
    let release!: () => void
    const pending = cache.get('b', () => new Promise((r) => (release = () => r(active()))))
    await new Promise((r) => setImmediate(r))
    await cache.evict('b')
    release()
    await pending
    expect(await store.get('b')).toBeUndefined()
  })
})
