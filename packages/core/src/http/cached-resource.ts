/**
 * A value loaded from the network and kept fresh: one shared in-flight load however many
 * callers wait; a value older than `maxAge` is served while a background reload runs; a value
 * older than `staleAfter` (default: never stale) must be reloaded before use. Failures are
 * never cached. Loads go through the endpoint's {@link CircuitBreaker}: one failure only
 * means the next caller loads again; after several in a row the endpoint is paused, callers
 * that need a load meanwhile fail fast with {@link CircuitOpenError}, and one load at a time —
 * shared by every caller that waits — probes it.
 *
 * With a `recall` (a store shared with other processes), a load that is not `fresh` first asks
 * it, outside the breaker (the store is not the endpoint): a value it recalls keeps its own age,
 * is taken without a load while younger than `maxAge`, and is otherwise loaded over — and taken
 * only when that load fails, while younger than `staleAfter`.
 */

import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js'

export { CircuitOpenError } from './circuit-breaker.js'

/**
 * A value loaded elsewhere, and when it was loaded (ms).
 *
 * @example
 * ```ts
 * const recalled: Recalled<string> = { value: 'v', loadedAt: Date.now() - 60_000 }
 * ```
 */
export interface Recalled<T> {
  value: T
  loadedAt: number
}

/**
 * Settings of a {@link CachedResource}.
 *
 * @example
 * ```ts
 * const options: CachedResourceOptions = { maxAge: 600_000, staleAfter: 3_600_000, isFailure: (e) => e instanceof UpstreamError }
 * ```
 */
export interface CachedResourceOptions<T = unknown> {
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
  /**
   * A value loaded elsewhere, asked for before every load that is not `fresh` (see the module
   * header); one older than the value held, or than `staleAfter`, is not used. Must not throw.
   */
  recall?: () => Promise<Recalled<T> | undefined>
  /** Called with every value taken (loaded or recalled), before any caller gets it. */
  onValue?: (value: T) => void
}

/** The load in flight, and whether it ended with a recalled value rather than a loaded one. */
interface Flight<T> {
  promise: Promise<T>
  recalled: boolean
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
  #flight: Flight<T> | undefined
  readonly #breaker: CircuitBreaker
  readonly #load: () => Promise<T>
  readonly #options: CachedResourceOptions<T>
  readonly #now: () => number

  constructor(load: () => Promise<T>, options: CachedResourceOptions<T>) {
    this.#load = load
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#breaker = new CircuitBreaker({ ...options.breaker, now: this.#now })
  }

  /** Time of the last successful load, or the load time of a recalled value (ms); −∞ before the first. */
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
    if (age > this.#options.maxAge && !this.#flight && this.#breaker.canCall()) {
      this.reload().catch(() => {
        // a failed background refresh keeps the current value; the failure is not cached
      })
    }
    return true
  }

  /**
   * Loads now (joining a load in flight). Rejects with {@link CircuitOpenError} while the
   * endpoint is paused, or with the load's own error. `fresh`: the caller needs a load, not a
   * recalled value (a flight that ends with one is followed by a load of its own).
   */
  reload(options: { fresh?: boolean } = {}): Promise<T> {
    const fresh = options.fresh === true && this.#options.recall !== undefined
    const flight = this.#flight ?? this.#start(fresh)
    if (!fresh) return flight.promise
    return flight.promise.then((value) => (flight.recalled ? this.reload(options) : value))
  }

  #start(fresh: boolean): Flight<T> {
    const flight: Flight<T> = { promise: undefined as unknown as Promise<T>, recalled: false }
    flight.promise = this.#take(fresh, flight).finally(() => {
      if (this.#flight === flight) this.#flight = undefined
    })
    this.#flight = flight
    return flight
  }

  async #take(fresh: boolean, flight: Flight<T>): Promise<T> {
    // (without a recall, the breaker is asked at once, as the caller calls)
    const recalled = fresh || !this.#options.recall ? undefined : await this.#recall()
    if (recalled && this.#now() - recalled.loadedAt < this.#options.maxAge) {
      flight.recalled = true
      return this.#keep(recalled.value, recalled.loadedAt)
    }
    let value: T
    try {
      value = await this.#breaker.run(this.#load, this.#options.isFailure)
    } catch (error) {
      this.#failedAt = this.#now()
      if (!recalled) throw error
      flight.recalled = true // stale, but better than nothing while the endpoint fails
      return this.#keep(recalled.value, recalled.loadedAt)
    }
    return this.#keep(value, this.#now())
  }

  /** A recalled value newer than the one held and younger than `staleAfter`, else undefined. */
  async #recall(): Promise<Recalled<T> | undefined> {
    let recalled: Recalled<T> | undefined
    try {
      recalled = await this.#options.recall?.()
    } catch {
      return undefined
    }
    if (!recalled || !Number.isFinite(recalled.loadedAt)) return undefined
    const loadedAt = Math.min(recalled.loadedAt, this.#now())
    if (loadedAt <= this.#loadedAt || this.#now() - loadedAt > this.#options.staleAfter) {
      return undefined
    }
    return { value: recalled.value, loadedAt }
  }

  #keep(value: T, loadedAt: number): T {
    this.#options.onValue?.(value)
    this.#value = value
    this.#loadedAt = loadedAt
    return value
  }
}
