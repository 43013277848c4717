import { describe, expect, it } from 'vitest'
import { BackoffError, CachedResource } from '../src/http/cached-resource.js'

function clock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}
const opts = { maxAge: 1000, staleAfter: 5000, backoff: 100, maxBackoff: 400 }

describe('CachedResource', () => {
  it('shares one in-flight load among concurrent callers', async () => {
    let loads = 0
    let release!: (v: number) => void
    const r = new CachedResource(() => {
      loads++
      return new Promise<number>((resolve) => (release = resolve))
    }, opts)
    const waiting = Promise.all(Array.from({ length: 50 }, () => r.get()))
    release(7)
    expect(await waiting).toEqual(Array(50).fill(7))
    expect(loads).toBe(1)
  })

  it('serves a value older than maxAge while refreshing it in the background', async () => {
    const c = clock()
    let n = 0
    const r = new CachedResource(async () => ++n, { ...opts, now: c.now })
    expect(await r.get()).toBe(1)
    c.advance(1500)
    expect(await r.get()).toBe(1) // stale-while-revalidate
    await new Promise((resolve) => setImmediate(resolve))
    expect(await r.get()).toBe(2)
  })

  it('keeps serving the last value while reloads fail, until staleAfter', async () => {
    const c = clock()
    let fail = false
    const r = new CachedResource(
      async () => {
        if (fail) throw new Error('down')
        return 'v'
      },
      { ...opts, now: c.now },
    )
    await r.get()
    fail = true
    c.advance(4000)
    expect(await r.get()).toBe('v')
    c.advance(2000) // now past staleAfter: must reload, and the reload fails
    await expect(r.get()).rejects.toThrow()
  })

  it('never caches a failure, but backs off (growing, capped) before the next attempt', async () => {
    const c = clock()
    let loads = 0
    let fail = true
    const r = new CachedResource(
      async () => {
        loads++
        if (fail) throw new Error('down')
        return 'ok'
      },
      { ...opts, now: c.now },
    )
    await expect(r.get()).rejects.toThrow('down')
    await expect(r.get()).rejects.toBeInstanceOf(BackoffError)
    expect(loads).toBe(1)
    c.advance(100)
    await expect(r.get()).rejects.toThrow('down')
    c.advance(100)
    await expect(r.get()).rejects.toBeInstanceOf(BackoffError) // backoff doubled to 200
    c.advance(100)
    await expect(r.get()).rejects.toThrow('down')
    c.advance(400)
    fail = false
    expect(await r.get()).toBe('ok')
    expect(loads).toBe(4)
  })
})
