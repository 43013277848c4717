import { describe, expect, it } from 'vitest'
import { Backoff, BackoffError } from '../src/http/backoff.js'

describe('Backoff', () => {
  it('pauses after a failure, doubling up to the maximum, and resets on success', () => {
    let now = 0
    const backoff = new Backoff({ initial: 100, max: 300, now: () => now })
    expect(() => backoff.check()).not.toThrow()
    backoff.failed()
    expect(() => backoff.check()).toThrow(BackoffError)
    now = 100
    expect(backoff.paused).toBe(false)
    backoff.failed() // 200
    now = 299
    expect(backoff.paused).toBe(true)
    now = 300
    backoff.failed() // 400 → capped at 300
    now = 599
    expect(backoff.paused).toBe(true)
    now = 600
    expect(backoff.paused).toBe(false)
    backoff.failed()
    backoff.succeeded()
    expect(() => backoff.check()).not.toThrow()
  })
  it('says how long is left', () => {
    const backoff = new Backoff({ initial: 1000, max: 1000, now: () => 0 })
    backoff.failed()
    try {
      backoff.check()
    } catch (error) {
      expect((error as BackoffError).retryInMs).toBe(1000)
    }
    expect.assertions(1)
  })
})
