/**
 * Makes the authorization server flap: up for `upMs`, then every endpoint answers 503 for
 * `downMs`, then up again, and so on until `stop()`. Records when each outage really started
 * and ended (the times the fault was set and cleared), on the clock responses are stamped with,
 * and how many calls the guard made to the failing JWKS and introspection endpoints meanwhile.
 */
import type { TestIssuer } from '@bearerguard/testing'

export interface OutageWindow {
  /** ms since the epoch */
  start: number
  /** ms since the epoch; undefined while the outage lasts */
  end: number | undefined
  /** Calls that reached the (failing) JWKS and introspection endpoints during the outage. */
  calls: { jwks: number; introspection: number }
}

export class Flapper {
  readonly windows: OutageWindow[] = []
  readonly #issuer: TestIssuer
  readonly #upMs: number
  readonly #downMs: number
  #timer: ReturnType<typeof setTimeout> | undefined
  #running = false

  constructor(issuer: TestIssuer, upMs: number, downMs: number) {
    this.#issuer = issuer
    this.#upMs = upMs
    this.#downMs = downMs
  }

  /** Starts with the server up; the first outage begins after `upMs`. */
  start(): void {
    this.#running = true
    this.#timer = setTimeout(() => this.#goDown(), this.#upMs)
  }

  /** Clears any outage (the server ends up) and stops flapping. */
  stop(): void {
    this.#running = false
    clearTimeout(this.#timer)
    this.#goUp()
  }

  /** Whether `time` (ms since the epoch) lies in an outage, or within `graceMs` after one. */
  covers(time: number, graceMs: number): boolean {
    return this.windows.some(
      (w) => time >= w.start && (w.end === undefined || time <= w.end + graceMs),
    )
  }

  /** Whether `time` lies in an outage proper (no grace). */
  inOutage(time: number): boolean {
    return this.covers(time, 0)
  }

  #goDown(): void {
    if (!this.#running) return
    this.#issuer.fault('all', { type: 'status', status: 503 })
    this.windows.push({ start: Date.now(), end: undefined, calls: this.#calls() })
    this.#timer = setTimeout(() => {
      this.#goUp()
      if (this.#running) this.#timer = setTimeout(() => this.#goDown(), this.#upMs)
    }, this.#downMs)
  }

  #goUp(): void {
    const open = this.windows.at(-1)
    if (open && open.end === undefined) {
      this.#issuer.fault('all', undefined)
      open.end = Date.now()
      const now = this.#calls()
      open.calls = {
        jwks: now.jwks - open.calls.jwks,
        introspection: now.introspection - open.calls.introspection,
      }
    }
  }

  #calls(): { jwks: number; introspection: number } {
    return {
      jwks: this.#issuer.requestCount('jwks'),
      introspection: this.#issuer.requestCount('introspection'),
    }
  }
}
