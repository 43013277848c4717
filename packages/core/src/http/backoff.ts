/**
 * A growing pause after failures of one upstream endpoint: after the n-th failure in a row, no
 * new call is made for `initial × 2^(n−1)` ms (at most `max`); callers meanwhile fail fast with
 * {@link BackoffError}. One success resets it. Failures are never cached as answers: the pause
 * only spares an authorization server that is down from a request for every incoming request.
 */

/** Thrown instead of calling while the backoff after a failure is running. */
export class BackoffError extends Error {
  constructor(readonly retryInMs: number) {
    super('backing off after a failed call')
    this.name = 'BackoffError'
  }
}

/**
 * @example
 * ```ts
 * const backoff = new Backoff({ initial: 500, max: 10_000 })
 * backoff.check() // throws BackoffError while paused
 * try { await call(); backoff.succeeded() } catch (e) { backoff.failed(); throw e }
 * ```
 */
export class Backoff {
  #failures = 0
  #retryAt = 0
  readonly #initial: number
  readonly #max: number
  readonly #now: () => number

  constructor(options: { initial: number; max: number; now?: () => number }) {
    this.#initial = options.initial
    this.#max = options.max
    this.#now = options.now ?? Date.now
  }

  /** Throws {@link BackoffError} while paused. */
  check(): void {
    const wait = this.#retryAt - this.#now()
    if (wait > 0) throw new BackoffError(wait)
  }

  /** True while paused. */
  get paused(): boolean {
    return this.#retryAt > this.#now()
  }

  failed(): void {
    this.#failures += 1
    this.#retryAt = this.#now() + Math.min(this.#initial * 2 ** (this.#failures - 1), this.#max)
  }

  succeeded(): void {
    this.#failures = 0
    this.#retryAt = 0
  }
}
