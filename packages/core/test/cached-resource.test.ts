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

describe('CachedResource with a recall (a value loaded elsewhere)', () => {
  /** A resource whose loads count, and whose recall answers `recalled` (changeable). */
  function recalling(start?: { value: string; loadedAt: number }) {
    const c = clock()
    const state = { loads: 0, recalls: 0, fail: false, recalled: start, taken: [] as string[] }
    const r = new CachedResource(
      async () => {
        state.loads++
        if (state.fail) throw new Error('down')
        return `loaded ${state.loads}`
      },
      {
        ...opts,
        now: c.now,
        recall: async () => {
          state.recalls++
          return state.recalled
        },
        onValue: (value) => state.taken.push(value),
      },
    )
    return { r, c, state }
  }

  it('takes a value younger than maxAge without loading, keeping its age', async () => {
    const { r, c, state } = recalling()
    state.recalled = { value: 'elsewhere', loadedAt: c.now() - 600 }
    expect(await r.get()).toBe('elsewhere')
    expect(state.loads).toBe(0)
    expect(r.loadedAt).toBe(c.now() - 600)
    expect(state.taken).toEqual(['elsewhere'])
    c.advance(500) // 1100 ms old: refreshed in the background, the recall asked first
    expect(await r.get()).toBe('elsewhere')
    await new Promise((resolve) => setImmediate(resolve))
    expect(state.recalls).toBe(2)
    expect(await r.get()).toBe('loaded 1') // the recalled value was not newer than the one held
  })

  it('loads over a value older than maxAge, and takes it only when the load fails', async () => {
    const { r, c, state } = recalling()
    state.recalled = { value: 'elsewhere', loadedAt: c.now() - 2000 }
    expect(await r.get()).toBe('loaded 1')
    const fresh = recalling()
    fresh.state.recalled = { value: 'elsewhere', loadedAt: fresh.c.now() - 2000 }
    fresh.state.fail = true
    expect(await fresh.r.get()).toBe('elsewhere')
    expect(fresh.r.failedAt).toBe(fresh.c.now())
    expect(fresh.r.loadedAt).toBe(fresh.c.now() - 2000)
  })

  it('ignores a value older than staleAfter, one with no usable time, and a recall that throws', async () => {
    for (const recalled of [
      { value: 'old', loadedAt: 1_000_000 - 6000 },
      { value: 'no time', loadedAt: Number.NaN },
    ]) {
      const { r, state } = recalling(recalled)
      state.fail = true
      await expect(r.get()).rejects.toThrow('down')
    }
    const c = clock()
    const r = new CachedResource(async () => 'loaded', {
      ...opts,
      now: c.now,
      recall: () => {
        throw new Error('store down')
      },
    })
    expect(await r.get()).toBe('loaded')
  })

  it('counts a value from the future as loaded now', async () => {
    const { r, c, state } = recalling({ value: 'ahead', loadedAt: 1_000_000 + 30_000 })
    expect(await r.get()).toBe('ahead')
    expect(r.loadedAt).toBe(c.now())
    expect(state.loads).toBe(0)
  })

  it('a fresh reload never asks the recall; one that joins a recalling flight loads after it', async () => {
    const { r, c, state } = recalling()
    state.recalled = { value: 'elsewhere', loadedAt: c.now() }
    expect(await r.reload({ fresh: true })).toBe('loaded 1')
    expect(state.recalls).toBe(0)

    const other = recalling({ value: 'elsewhere', loadedAt: 1_000_000 })
    const [plain, fresh] = await Promise.all([other.r.reload(), other.r.reload({ fresh: true })])
    expect(plain).toBe('elsewhere')
    expect(fresh).toBe('loaded 1')
    expect(other.state.loads).toBe(1)
    expect(other.state.taken).toEqual(['elsewhere', 'loaded 1'])
  })

  it('without a recall, a fresh reload is a plain one', async () => {
    let loads = 0
    const r = new CachedResource(async () => ++loads, opts)
    const both = await Promise.all([r.reload(), r.reload({ fresh: true })])
    expect(both).toEqual([1, 1])
  })
})
