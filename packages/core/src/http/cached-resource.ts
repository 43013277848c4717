/**
 * A value loaded from the network and kept fresh: one shared in-flight load however many
 * callers wait; a value older than `maxAge` is served while a background reload runs; a value
 * older than `staleAfter` (default: never stale) must be reloaded before use. Failures are
 * never cached. Loads go through the endpoint's {@link CircuitBreaker}: one failure only
 * means the next caller loads again; after several in a row the endpoint is paused, callers
 * that need a load meanwhile fail fast with {@link CircuitOpenError}, and one load at a time —
 * shared by every caller that waits — probes it.
 */

import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js'

export { CircuitOpenError } from './circuit-breaker.js'

/**
 * Settings of a {@link CachedResource}.
 *
 * @example
 * ```ts
 * const options: CachedResourceOptions = { maxAge: 600_000, staleAfter: 3_600_000, isFailure: (e) => e instanceof UpstreamError }
 * ```
 */
export interface CachedResourceOptions {
  /** Ms after which the value is refreshed in the background. */
  maxAge: number
  /** Ms after which the value may no longer be used without a successful reload. */
  staleAfter: number
  /** The endpoint's circuit breaker settings (see circuit-breaker.ts for the defaults). */
  breaker?: Omit<CircuitBreakerOptions, 'now'>
  /**
   * Whether a load's error is the endpoint's failure (counted by its breaker); default: every
   * error. An error that is not (say, another endpoint's failure) is rethrown uncounted.
   */
  isFailure?: (error: unknown) => boolean
  now?: () => number
}

/**
 * @example
 * ```ts
 * const metadata = new CachedResource(() => discover(issuer, http), { maxAge: 3_600_000, staleAfter: 86_400_000 })
 * const document = await metadata.get()
 * ```
 */
export class CachedResource<T> {
  #value: T | undefined
  #loadedAt = Number.NEGATIVE_INFINITY
  #failedAt = Number.NEGATIVE_INFINITY
  #inflight: Promise<T> | undefined
  readonly #breaker: CircuitBreaker
  readonly #load: () => Promise<T>
  readonly #options: CachedResourceOptions
  readonly #now: () => number

  constructor(load: () => Promise<T>, options: CachedResourceOptions) {
    this.#load = load
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#breaker = new CircuitBreaker({ ...options.breaker, now: this.#now })
  }

  /** Time of the last successful load (ms); −∞ before the first. */
  get loadedAt(): number {
    return this.#loadedAt
  }

  /** Time of the last failed load (ms), a paused endpoint's refusal included; −∞ before any. */
  get failedAt(): number {
    return this.#failedAt
  }

  /** The endpoint's circuit breaker. */
  get breaker(): CircuitBreaker {
    return this.#breaker
  }

  /** Without waiting: the value when one is held and still usable (see {@link touch}), else undefined. */
  peek(): T | undefined {
    return this.touch() ? this.#value : undefined
  }

  /** The current value, loading it first when there is none or it is stale. */
  async get(): Promise<T> {
    return this.touch() ? (this.#value as T) : this.reload()
  }

  /**
   * Without waiting: true when a value is held and still usable (younger than `staleAfter`);
   * starts a background refresh when it is older than `maxAge`.
   */
  touch(): boolean {
    const age = this.#now() - this.#loadedAt
    if (this.#value === undefined || age > this.#options.staleAfter) return false
    if (age > this.#options.maxAge && !this.#inflight && this.#breaker.canCall()) {
      this.reload().catch(() => {
        // a failed background refresh keeps the current value; the failure is not cached
      })
    }
    return true
  }

  /**
   * Loads now (joining a load in flight). Rejects with {@link CircuitOpenError} while the
   * endpoint is paused, or with the load's own error.
   */
  reload(): Promise<T> {
    if (this.#inflight) return this.#inflight
    const pending = this.#breaker.run(this.#load, this.#options.isFailure).then(
      (value) => {
        this.#value = value
        this.#loadedAt = this.#now()
        return value
      },
      (error: unknown) => {
        this.#failedAt = this.#now()
        throw error
      },
    )
    this.#inflight = pending.finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }
}
