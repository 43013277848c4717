import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { PendingTimers } from '../src/pending-timers.js'

const fakeResponse = () =>
  Object.assign(new EventEmitter(), { destroyed: false }) as unknown as ServerResponse

describe('PendingTimers', () => {
  it('resolves true once the delay elapses', async () => {
    const timers = new PendingTimers()
    await expect(timers.delay(5, fakeResponse())).resolves.toBe(true)
    expect(timers.size).toBe(0)
  })

  it('cancels pending delays so nothing outlives close()', async () => {
    const timers = new PendingTimers()
    const pending = timers.delay(60_000, fakeResponse())
    expect(timers.size).toBe(1)
    timers.cancelAll()
    await expect(pending).resolves.toBe(false)
    expect(timers.size).toBe(0)
    await expect(timers.delay(1, fakeResponse())).resolves.toBe(false)
  })

  it('gives up when the client closes the response', async () => {
    const timers = new PendingTimers()
    const res = fakeResponse()
    const pending = timers.delay(60_000, res)
    res.emit('close')
    await expect(pending).resolves.toBe(false)
    expect(timers.size).toBe(0)
    expect(res.listenerCount('close')).toBe(0)
  })
})
