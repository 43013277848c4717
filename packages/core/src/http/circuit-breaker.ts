/**
 * A circuit breaker for one endpoint of an authorization server (its discovery document, its
 * JWKS, its introspection endpoint), so that an endpoint that is down is not called once per
 * incoming request, while one failure — or one garbage answer about one token — pauses nothing.
 *
 * - **closed**: calls go through. {@link DEFAULT_FAILURE_THRESHOLD} failures in a row (no
 *   success in between) open it.
 * - **open**: calls fail fast with {@link CircuitOpenError} (a 503 with `Retry-After`) until the
 *   open interval has passed: 0.5 s the first time, doubled after each failed probe, at most
 *   1 s.
 * - **half-open**: the first call after the interval is the probe, and the only call while it
 *   runs: other callers fail fast. (Callers of one single-flight load, such as a JWKS refetch,
 *   share that load before it reaches the breaker, so they join the probe; an introspection is
 *   per token, so callers with other tokens fail fast.) The probe's success closes the circuit,
 *   its failure opens it again.
 *
 * Any success closes it: an answer is proof that the endpoint works. A failure of a call that
 * started before the circuit opened counts for nothing more.
 *
 * Why 5 failures in a row: a real outage fails every call, so under load five come within
 * milliseconds, and even at one request a second the endpoint is left alone after five; while
 * a failure about one token (an `active: "true"`, a 500 for one request) is followed by the
 * other tokens' successes, which reset the count, so it never opens the circuit alone. Why an
 * interval of at most 1 s: a probe a second costs an authorization server nothing, and once it
 * is reachable again it is used again within a second — a key rotated in during an outage is
 * accepted within the 5 s the contract promises, and few requests get a 503 after the outage.
 *
 * Written here rather than taken from a library: cockatiel's breaker (portable, consecutive
 * failures) comes closest, but its open-circuit error does not say when a probe will be let
 * through (needed for `Retry-After`), it cannot tell without trying whether a background
 * refresh may start now, callers that arrive during its probe wait for the probe instead of
 * failing fast, and it reads `Date.now` itself; opossum counts a failure percentage over a
 * rolling window rather than failures in a row, and is built on Node's `events` module, which
 * core must not import at load (it runs on Bun, Deno and Workers too). The state machine
 * itself is the hundred lines below.
 */

/**
 * Failures in a row (no success in between) that open a circuit.
 *
 * @example
 * ```ts
 * new CircuitBreaker({ threshold: DEFAULT_FAILURE_THRESHOLD })
 * ```
 */
export const DEFAULT_FAILURE_THRESHOLD = 5
/**
 * Ms a circuit stays open the first time; doubled after each failed probe.
 *
 * @example
 * ```ts
 * new CircuitBreaker({ openMs: DEFAULT_OPEN_MS })
 * ```
 */
export const DEFAULT_OPEN_MS = 500
/**
 * The longest a circuit stays open before it lets a probe through, ms.
 *
 * @example
 * ```ts
 * new CircuitBreaker({ maxOpenMs: DEFAULT_MAX_OPEN_MS })
 * ```
 */
export const DEFAULT_MAX_OPEN_MS = 1_000

/**
 * Thrown instead of calling while a circuit is open (or its probe is under way).
 *
 * @example
 * ```ts
 * try {
 *   await breaker.run(() => fetchJson(url, http))
 * } catch (error) {
 *   if (error instanceof CircuitOpenError) console.log(`retry in ${error.retryInMs} ms`)
 * }
 * ```
 */
export class CircuitOpenError extends Error {
  constructor(
    /** Ms until the circuit lets a probe through (at least 1). */
    readonly retryInMs: number,
  ) {
    super('the endpoint failed repeatedly and is paused')
    this.name = 'CircuitOpenError'
  }
}

/**
 * Where a circuit stands: calls go through, fail fast, or one probe is under way.
 *
 * @example
 * ```ts
 * const state: CircuitState = breaker.state // 'closed' | 'open' | 'half-open'
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open'

/**
 * Settings of a {@link CircuitBreaker}; each has a default.
 *
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = { threshold: 5, openMs: 500, maxOpenMs: 1_000 }
 * ```
 */
export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit (default {@link DEFAULT_FAILURE_THRESHOLD}). */
  threshold?: number
  /** Ms the circuit stays open the first time (default {@link DEFAULT_OPEN_MS}). */
  openMs?: number
  /** The cap on the open interval as failed probes double it (default {@link DEFAULT_MAX_OPEN_MS}). */
  maxOpenMs?: number
  /** The clock, ms (default `Date.now`). */
  now?: () => number
  /** Told of each change of state (telemetry's circuit gauge). */
  onChange?: (state: CircuitState) => void
}

/**
 * A circuit breaker for one endpoint: see the module header for its states and settings.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker()
 * // throws CircuitOpenError while open; UpstreamErrors count as failures, other errors do not
 * const jwks = await breaker.run(() => fetchJson(jwksUri, http), (e) => e instanceof UpstreamError)
 * ```
 */
export class CircuitBreaker {
  #state: CircuitState = 'closed'
  /** Failures in a row while closed. */
  #failures = 0
  /** The current open interval, ms (0 while closed). */
  #openMs = 0
  /** When an open circuit lets a probe through, ms. */
  #probeAt = 0
  readonly #threshold: number
  readonly #firstOpenMs: number
  readonly #maxOpenMs: number
  readonly #now: () => number
  readonly #onChange: ((state: CircuitState) => void) | undefined

  constructor(options: CircuitBreakerOptions = {}) {
    const {
      threshold = DEFAULT_FAILURE_THRESHOLD,
      openMs = DEFAULT_OPEN_MS,
      maxOpenMs = DEFAULT_MAX_OPEN_MS,
    } = options
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new RangeError('CircuitBreaker: threshold must be a whole number ≥ 1')
    }
    if (!(openMs > 0) || !(maxOpenMs >= openMs)) {
      throw new RangeError('CircuitBreaker: need 0 < openMs ≤ maxOpenMs')
    }
    this.#threshold = threshold
    this.#firstOpenMs = openMs
    this.#maxOpenMs = maxOpenMs
    this.#now = options.now ?? Date.now
    this.#onChange = options.onChange
  }

  /** Where the circuit stands now (an open circuit whose interval has passed is still `open`). */
  get state(): CircuitState {
    return this.#state
  }

  /** Whether {@link CircuitBreaker.run} would call now, without calling. */
  canCall(): boolean {
    return this.#state === 'closed' || (this.#state === 'open' && this.#now() >= this.#probeAt)
  }

  /**
   * Calls `call` unless the circuit is open, and records how it ended: a success closes the
   * circuit; a rejection for which `isFailure` is true (default: any) counts as a failure;
   * another rejection (not the endpoint's fault) counts for nothing. Rejects with
   * {@link CircuitOpenError}, without calling, while the circuit is open or its probe runs.
   */
  run<T>(call: () => Promise<T>, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
    let probe: boolean
    try {
      probe = this.#admit()
    } catch (error) {
      return Promise.reject(error)
    }
    let pending: Promise<T>
    try {
      pending = call()
    } catch (error) {
      pending = Promise.reject(error)
    }
    return pending.then(
      (value) => {
        this.#succeeded()
        return value
      },
      (error: unknown) => {
        if (isFailure(error)) this.#failed(probe)
        else if (probe && this.#state === 'half-open') this.#reopen(0) // let the next caller probe
        throw error
      },
    )
  }

  /** True when the call admitted is the probe of an open circuit; throws when none may start. */
  #admit(): boolean {
    if (this.#state === 'closed') return false
    const now = this.#now()
    if (this.#state === 'open' && now >= this.#probeAt) {
      this.#set('half-open')
      return true
    }
    const wait = this.#state === 'open' ? this.#probeAt - now : this.#openMs
    throw new CircuitOpenError(Math.max(1, Math.ceil(wait)))
  }

  #succeeded(): void {
    if (this.#state !== 'closed') this.#set('closed')
    this.#failures = 0
    this.#openMs = 0
  }

  #failed(probe: boolean): void {
    if (probe && this.#state === 'half-open') {
      this.#reopen(Math.min(this.#openMs * 2, this.#maxOpenMs))
    } else if (this.#state === 'closed') {
      this.#failures += 1
      if (this.#failures >= this.#threshold) this.#reopen(this.#firstOpenMs)
    }
    // else: a call that started before the circuit opened; its failure is already known
  }

  /** Moves to `state` and tells the observer. */
  #set(state: CircuitState): void {
    this.#state = state
    try {
      this.#onChange?.(state)
    } catch {
      // an observer's failure changes nothing about the endpoint
    }
  }

  /** Opens the circuit for `ms` (0: the next caller probes at once, the interval unchanged). */
  #reopen(ms: number): void {
    this.#set('open')
    this.#failures = 0
    if (ms > 0) this.#openMs = ms
    this.#probeAt = this.#now() + ms
  }
}
