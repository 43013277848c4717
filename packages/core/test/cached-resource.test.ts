import { describe, expect, it } from 'vitest'
import { CachedResource, CircuitOpenError } from '../src/http/cached-resource.js'

function clock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}
const opts = { maxAge: 1000, staleAfter: 5000 }

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

  it('never caches a failure, and one failure pauses nothing: the next caller loads again', async () => {
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
    fail = false
    expect(await r.get()).toBe('ok') // at once: no pause after one failure
    expect(loads).toBe(2)
  })

  it('after several failures in a row the endpoint is paused; one load probes it, shared by every caller', async () => {
    const c = clock()
    let loads = 0
    let fail = true
    let release: ((v: string) => void) | undefined
    const r = new CachedResource(
      () => {
        loads++
        if (fail) return Promise.reject(new Error('down'))
        return new Promise<string>((resolve) => (release = resolve))
      },
      { ...opts, breaker: { threshold: 3, openMs: 200, maxOpenMs: 400 }, now: c.now },
    )
    for (let i = 0; i < 3; i++) await expect(r.get()).rejects.toThrow('down')
    expect(r.breaker.state).toBe('open')
    await expect(r.get()).rejects.toBeInstanceOf(CircuitOpenError)
    expect(loads).toBe(3)
    c.advance(200)
    fail = false
    const waiting = Promise.all(Array.from({ length: 10 }, () => r.get()))
    expect(r.breaker.state).toBe('half-open')
    release?.('back')
    expect(await waiting).toEqual(Array(10).fill('back'))
    expect(loads).toBe(4)
    expect(r.breaker.state).toBe('closed')
  })

  it('a failed probe pauses it again (growing, capped)', async () => {
    const c = clock()
    let loads = 0
    const r = new CachedResource(
      async () => {
        loads++
        throw new Error('down')
      },
      { ...opts, breaker: { threshold: 1, openMs: 100, maxOpenMs: 200 }, now: c.now },
    )
    await expect(r.get()).rejects.toThrow('down')
    c.advance(100)
    await expect(r.get()).rejects.toThrow('down') // the probe
    c.advance(100)
    await expect(r.get()).rejects.toBeInstanceOf(CircuitOpenError) // now 200
    c.advance(100)
    await expect(r.get()).rejects.toThrow('down')
    expect(loads).toBe(3)
  })

  it('background refreshes stop while the endpoint is paused, and the value keeps being served', async () => {
    const c = clock()
    let loads = 0
    let fail = false
    const r = new CachedResource(
      async () => {
        loads++
        if (fail) throw new Error('down')
        return 'v'
      },
      { ...opts, breaker: { threshold: 2, openMs: 500, maxOpenMs: 500 }, now: c.now },
    )
    await r.get()
    fail = true
    c.advance(1500) // past maxAge: every use starts a background refresh
    for (let i = 0; i < 10; i++) {
      expect(await r.get()).toBe('v')
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(loads).toBe(1 + 2) // two failed refreshes opened the circuit; then none
    c.advance(500)
    expect(await r.get()).toBe('v')
    await new Promise((resolve) => setImmediate(resolve))
    expect(loads).toBe(4) // the probe
  })

  it('loadedAt moves only on a successful load, failedAt on a failed one', async () => {
    const c = clock()
    let fail = false
    const r = new CachedResource(
      async () => {
        if (fail) throw new Error('down')
        return 'v'
      },
      { ...opts, now: c.now },
    )
    expect(r.loadedAt).toBe(Number.NEGATIVE_INFINITY)
    expect(r.failedAt).toBe(Number.NEGATIVE_INFINITY)
    await r.get()
    const first = r.loadedAt
    expect(first).toBe(c.now())
    c.advance(100)
    fail = true
    await expect(r.reload()).rejects.toThrow('down')
    expect(r.loadedAt).toBe(first)
    expect(r.failedAt).toBe(c.now())
  })

  it('an error that is not the endpoint failing does not count towards pausing it', async () => {
    const c = clock()
    const r = new CachedResource(
      async () => {
        throw new TypeError('another endpoint failed')
      },
      {
        ...opts,
        breaker: { threshold: 1 },
        isFailure: (e) => !(e instanceof TypeError),
        now: c.now,
      },
    )
    for (let i = 0; i < 5; i++) await expect(r.get()).rejects.toThrow(TypeError)
    expect(r.breaker.state).toBe('closed')
  })
})
