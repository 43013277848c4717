/**
 * Timers started while answering requests (the `slow` fault), tracked so that `close()` can
 * cancel them and nothing keeps the process alive after the issuer is closed.
 */
import type { ServerResponse } from 'node:http'

/**
 * A set of cancellable delays.
 *
 * @example
 * ```ts
 * const timers = new PendingTimers()
 * const finished = await timers.delay(500, res) // false if res closed or timers.cancelAll() ran
 * ```
 */
export class PendingTimers {
  #pending = new Set<() => void>()
  #stopped = false

  /** Number of delays still waiting. */
  get size(): number {
    return this.#pending.size
  }

  /**
   * Resolves `true` after `ms`, or `false` as soon as `res` closes (the client went away) or
   * {@link PendingTimers.cancelAll} is called.
   */
  delay(ms: number, res: ServerResponse): Promise<boolean> {
    if (this.#stopped || res.destroyed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const settle = (completed: boolean) => {
        clearTimeout(timer)
        res.off('close', onClose)
        this.#pending.delete(cancel)
        resolve(completed)
      }
      const cancel = () => settle(false)
      const onClose = () => settle(false)
      const timer = setTimeout(() => settle(true), ms)
      res.once('close', onClose)
      this.#pending.add(cancel)
    })
  }

  /** Cancels every pending delay, and every later one immediately. */
  cancelAll(): void {
    this.#stopped = true
    for (const cancel of [...this.#pending]) cancel()
  }
}
