/**
 * A value loaded from the network and kept fresh: one shared in-flight load however many
 * callers wait; a value older than `maxAge` is served while a background reload runs; a value
 * older than `staleAfter` (default: never stale) must be reloaded before use. Failures are
 * never cached: after one, the next load may start once a short, growing backoff has passed,
 * and callers that need a load meanwhile fail fast with {@link BackoffError}.
 */

import { Backoff } from './backoff.js'

export { BackoffError } from './backoff.js'

export interface CachedResourceOptions {
  /** Ms after which the value is refreshed in the background. */
  maxAge: number
  /** Ms after which the value may no longer be used without a successful reload. */
  staleAfter: number
  /** First backoff after a failure, in ms; doubles per failure up to `maxBackoff`. */
  backoff: number
  maxBackoff: number
  now?: () => number
}

export class CachedResource<T> {
  #value: T | undefined
  #loadedAt = 0
  #lastAttemptAt = Number.NEGATIVE_INFINITY
  #inflight: Promise<T> | undefined
  readonly #backoff: Backoff
  readonly #load: () => Promise<T>
  readonly #options: CachedResourceOptions
  readonly #now: () => number

  constructor(load: () => Promise<T>, options: CachedResourceOptions) {
    this.#load = load
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#backoff = new Backoff({
      initial: options.backoff,
      max: options.maxBackoff,
      now: this.#now,
    })
  }

  /** Time of the last load attempt (ms), successful or not. */
  get lastAttemptAt(): number {
    return this.#lastAttemptAt
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
    if (age > this.#options.maxAge && !this.#inflight && !this.#backoff.paused) {
      this.reload().catch(() => {
        // a failed background refresh keeps the current value; the failure is not cached
      })
    }
    return true
  }

  /**
   * Loads now (joining a load in flight). Rejects with {@link BackoffError} while backing off
   * after a failure, or with the load's own error.
   */
  reload(): Promise<T> {
    if (this.#inflight) return this.#inflight
    try {
      this.#backoff.check()
    } catch (error) {
      return Promise.reject(error)
    }
    this.#lastAttemptAt = this.#now()
    const pending = this.#load().then(
      (value) => {
        this.#value = value
        this.#loadedAt = this.#now()
        this.#backoff.succeeded()
        return value
      },
      (error: unknown) => {
        this.#backoff.failed()
        throw error
      },
    )
    this.#inflight = pending.finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }
}
