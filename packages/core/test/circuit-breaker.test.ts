/** The circuit breaker's states, on a fake clock. */
import { describe, expect, it } from 'vitest'
import {
  CircuitBreaker,
  CircuitOpenError,
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_MAX_OPEN_MS,
  DEFAULT_OPEN_MS,
} from '../src/http/circuit-breaker.js'

function clock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}
const ok = () => Promise.resolve('ok')
const down = () => Promise.reject(new Error('down'))
/** A call that stays in flight until settled by hand. */
function pending() {
  let resolve!: (v: string) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<string>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { call: () => promise, resolve, reject }
}
async function fail(breaker: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await expect(breaker.run(down)).rejects.toThrow('down')
}

describe('CircuitBreaker', () => {
  it('opens only after the threshold of failures in a row, not after one', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ now: c.now })
    await fail(breaker, DEFAULT_FAILURE_THRESHOLD - 1)
    expect(breaker.state).toBe('closed')
    expect(breaker.canCall()).toBe(true)
    await fail(breaker, 1)
    expect(breaker.state).toBe('open')
    expect(breaker.canCall()).toBe(false)
    let called = false
    const error = await breaker
      .run(() => {
        called = true
        return ok()
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CircuitOpenError)
    expect((error as CircuitOpenError).retryInMs).toBe(DEFAULT_OPEN_MS)
    expect(called).toBe(false)
  })

  it('a success between failures starts the count again', async () => {
    const breaker = new CircuitBreaker({ threshold: 3, now: clock().now })
    for (let round = 0; round < 10; round++) {
      await fail(breaker, 2)
      await breaker.run(ok)
    }
    expect(breaker.state).toBe('closed')
  })

  it('only failures that count: another error leaves the count alone', async () => {
    const breaker = new CircuitBreaker({ threshold: 2, now: clock().now })
    const notMine = () => Promise.reject(new TypeError('not the endpoint'))
    const isFailure = (e: unknown) => !(e instanceof TypeError)
    for (let i = 0; i < 5; i++) {
      await expect(breaker.run(notMine, isFailure)).rejects.toThrow(TypeError)
    }
    expect(breaker.state).toBe('closed')
  })

  it('lets exactly one probe through after the open interval; others fail fast meanwhile', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ threshold: 2, now: c.now })
    await fail(breaker, 2)
    c.advance(DEFAULT_OPEN_MS - 1)
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError)
    c.advance(1)
    expect(breaker.canCall()).toBe(true)
    const probe = pending()
    const probing = breaker.run(probe.call)
    expect(breaker.state).toBe('half-open')
    expect(breaker.canCall()).toBe(false)
    let others = 0
    for (let i = 0; i < 5; i++) {
      await expect(
        breaker.run(() => {
          others++
          return ok()
        }),
      ).rejects.toBeInstanceOf(CircuitOpenError)
    }
    expect(others).toBe(0)
    probe.resolve('back')
    expect(await probing).toBe('back')
    expect(breaker.state).toBe('closed')
    expect(await breaker.run(ok)).toBe('ok')
  })

  it('a failed probe opens it again for twice as long, up to the cap', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ threshold: 1, openMs: 100, maxOpenMs: 300, now: c.now })
    await fail(breaker, 1) // open 100
    const intervals: number[] = []
    for (let i = 0; i < 4; i++) {
      const before = c.now()
      while (!breaker.canCall()) c.advance(10)
      intervals.push(c.now() - before)
      await fail(breaker, 1) // the probe fails
    }
    expect(intervals).toEqual([100, 200, 300, 300])
    while (!breaker.canCall()) c.advance(10)
    await breaker.run(ok) // closes, and forgets the grown interval
    await fail(breaker, 1)
    const before = c.now()
    while (!breaker.canCall()) c.advance(10)
    expect(c.now() - before).toBe(100)
  })

  it('with the defaults, a probe is let through at least once a second', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ now: c.now })
    await fail(breaker, DEFAULT_FAILURE_THRESHOLD)
    for (let i = 0; i < 10; i++) {
      c.advance(DEFAULT_MAX_OPEN_MS)
      expect(breaker.canCall()).toBe(true)
      await fail(breaker, 1)
    }
  })

  it('a probe that ends in an error that does not count lets the next caller probe', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ threshold: 1, now: c.now })
    await fail(breaker, 1)
    c.advance(DEFAULT_OPEN_MS)
    const notMine = () => Promise.reject(new TypeError('not the endpoint'))
    await expect(breaker.run(notMine, (e) => !(e instanceof TypeError))).rejects.toThrow(TypeError)
    expect(breaker.canCall()).toBe(true)
    expect(await breaker.run(ok)).toBe('ok')
  })

  it('a call that throws synchronously is a failed call, not a crash', async () => {
    const breaker = new CircuitBreaker({ threshold: 1, now: clock().now })
    await expect(
      breaker.run(() => {
        throw new Error('sync')
      }),
    ).rejects.toThrow('sync')
    expect(breaker.state).toBe('open')
  })

  it('any success closes it; failures of calls started before it opened change nothing', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ threshold: 2, now: c.now })
    const slow = [pending(), pending(), pending()]
    const runs = slow.map((p) => breaker.run(p.call).catch(() => 'failed'))
    await fail(breaker, 2) // open
    slow[0]?.reject(new Error('late'))
    await runs[0]
    c.advance(DEFAULT_OPEN_MS - 1)
    expect(breaker.canCall()).toBe(false) // the late failure did not extend the interval
    slow[1]?.resolve('late but fine')
    await runs[1]
    expect(breaker.state).toBe('closed')
    // a probe that fails after a success closed the circuit counts as one failure, no more
    await fail(breaker, 1)
    expect(breaker.state).toBe('closed')
    slow[2]?.resolve('x')
    await runs[2]
  })

  it('a probe failing after another call closed the circuit is an ordinary failure', async () => {
    const c = clock()
    const breaker = new CircuitBreaker({ threshold: 2, now: c.now })
    const early = pending()
    const earlyRun = breaker.run(early.call)
    await fail(breaker, 2) // open
    c.advance(DEFAULT_OPEN_MS)
    const probe = pending()
    const probing = breaker.run(probe.call).catch(() => 'failed')
    early.resolve('fine') // an answer: the endpoint works
    await earlyRun
    expect(breaker.state).toBe('closed')
    probe.reject(new Error('down'))
    await probing
    expect(breaker.state).toBe('closed') // one failure of two, not a failed probe
  })

  it('refuses settings that make no sense', () => {
    expect(() => new CircuitBreaker({ threshold: 0 })).toThrow(RangeError)
    expect(() => new CircuitBreaker({ threshold: 1.5 })).toThrow(RangeError)
    expect(() => new CircuitBreaker({ openMs: 0 })).toThrow(RangeError)
    expect(() => new CircuitBreaker({ openMs: 2_000, maxOpenMs: 1_000 })).toThrow(RangeError)
  })
})
