/**
 * Makes the authorization server flap: up for `upMs`, then every endpoint fails for `downMs` —
 * each outage of the next kind in `phases` (connection reset, too slow, 500, an HTML page) —
 * then up again, and so on until `stop()`. Records when each outage really started and ended
 * (the times the fault was set and cleared), on the clock responses are stamped with, and how
 * many calls the guard made to the failing JWKS and introspection endpoints meanwhile.
 *
 * With `rotation`, the issuer's keys are rotated once (the old ones stay published, as a real
 * rotation keeps them until the tokens they signed expire) `afterMs` into the outage numbered
 * `outage`, and the time the server was reachable again is recorded: the end of that outage.
 */
import type { Fault, TestIssuer } from '@bearerguard/testing'

/** The kinds of outage the flapper cycles through, in this order. */
export const FAULT_PHASES = ['down', 'slow', '500', 'html'] as const
export type FaultPhase = (typeof FAULT_PHASES)[number]

/** What each kind of outage is, for the report. */
export const PHASE_DESCRIPTIONS: Record<FaultPhase, string> = {
  down: 'connections reset',
  slow: 'answers after twice the guard timeout',
  '500': '500 on every endpoint',
  html: '200 with an HTML page',
}

export interface OutageWindow {
  kind: FaultPhase
  /** ms since the epoch */
  start: number
  /** ms since the epoch; undefined while the outage lasts */
  end: number | undefined
  /** Calls that reached the (failing) JWKS and introspection endpoints during the outage. */
  calls: { jwks: number; introspection: number }
}

export interface RotationPlan {
  /** The outage (1 = the first) during which the keys rotate. */
  outage: number
  /** How long into that outage, ms. */
  afterMs: number
  /** Rotates the keys (and mints tokens with the new ones). */
  rotate: () => Promise<void>
}

export interface Rotation {
  /** ms since the epoch: when the new keys were published and tokens signed with them minted */
  at: number
  /** ms since the epoch: when the server was reachable again (the end of the outage) */
  reachableAt: number | undefined
}

export interface FlapperOptions {
  upMs: number
  downMs: number
  /** The kinds of outage, cycled through in order (default all of `FAULT_PHASES`). */
  phases?: readonly FaultPhase[]
  /** The delay of a `slow` outage, ms. */
  slowDelayMs: number
  rotation?: RotationPlan
}

export class Flapper {
  readonly windows: OutageWindow[] = []
  rotation: Rotation | undefined
  readonly #issuer: TestIssuer
  readonly #options: FlapperOptions
  readonly #phases: readonly FaultPhase[]
  #timer: ReturnType<typeof setTimeout> | undefined
  #rotationTimer: ReturnType<typeof setTimeout> | undefined
  #rotating: Promise<void> | undefined
  #running = false

  constructor(issuer: TestIssuer, options: FlapperOptions) {
    this.#issuer = issuer
    this.#options = options
    this.#phases = options.phases ?? FAULT_PHASES
  }

  /** Starts with the server up; the first outage begins after `upMs`. */
  start(): void {
    this.#running = true
    this.#timer = setTimeout(() => this.#goDown(), this.#options.upMs)
  }

  /** Clears any outage (the server ends up) and stops flapping; waits for a rotation under way. */
  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#timer)
    clearTimeout(this.#rotationTimer)
    this.#goUp()
    await this.#rotating
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

  #fault(kind: FaultPhase): Fault {
    switch (kind) {
      case 'down':
        return { type: 'reset' }
      case 'slow':
        return { type: 'slow', delayMs: this.#options.slowDelayMs }
      case '500':
        return { type: 'status', status: 500 }
      case 'html':
        return { type: 'html' }
    }
  }

  #goDown(): void {
    if (!this.#running) return
    const kind = this.#phases[this.windows.length % this.#phases.length] as FaultPhase
    this.#issuer.fault('all', this.#fault(kind))
    this.windows.push({ kind, start: Date.now(), end: undefined, calls: this.#calls() })
    const plan = this.#options.rotation
    if (plan && plan.outage === this.windows.length) {
      this.#rotationTimer = setTimeout(() => {
        this.#rotating = plan.rotate().then(() => {
          const at = Date.now()
          const open = this.windows.at(-1)
          // a rotate() that outlasted its outage: the server is reachable from the rotation on
          this.rotation = { at, reachableAt: open?.end === undefined ? undefined : at }
        })
      }, plan.afterMs)
    }
    this.#timer = setTimeout(() => {
      this.#goUp()
      if (this.#running) this.#timer = setTimeout(() => this.#goDown(), this.#options.upMs)
    }, this.#options.downMs)
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
      if (this.rotation && this.rotation.reachableAt === undefined) {
        this.rotation.reachableAt = open.end
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
