/**
 * The circuit states a gauge reports: each endpoint's last state, kept 60 s after its last
 * change (an endpoint paused and still asked for changes state at least once a second, as its
 * breaker probes), at most 1,000 endpoints (the oldest change dropped first). So endpoints
 * nobody asks for any more — a tenant's discovery URL evicted from the tenant cache, a JWKS
 * URL discovery replaced — leave the gauge instead of reporting their last state forever.
 */
import type { UpstreamPurpose } from '../http/fetch-json.js'

/**
 * How long a state is reported after its last change (ms).
 *
 * @example
 * ```ts
 * setTimeout(check, CIRCUIT_REPORT_MS) // the endpoint has left the gauge by then
 * ```
 */
export const CIRCUIT_REPORT_MS = 60_000
/**
 * Most endpoints reported.
 *
 * @example
 * ```ts
 * expect(table.current().length).toBeLessThanOrEqual(CIRCUIT_REPORT_MAX)
 * ```
 */
export const CIRCUIT_REPORT_MAX = 1_000

const VALUE = { closed: 0, 'half-open': 1, open: 2 } as const

/**
 * One endpoint's reported circuit: 0 closed, 1 half-open, 2 open.
 *
 * @example
 * ```ts
 * const circuit: ReportedCircuit = { purpose: 'jwks', endpoint: 'https://as.example.com/jwks', value: 2 }
 * ```
 */
export interface ReportedCircuit {
  readonly purpose: UpstreamPurpose
  readonly endpoint: string
  readonly value: 0 | 1 | 2
}

/**
 * The endpoints' circuits, as last changed (see the file's comment).
 *
 * @example
 * ```ts
 * const circuits = new CircuitTable()
 * circuits.set('jwks', 'https://as.example.com/jwks', 'open')
 * for (const { purpose, endpoint, value } of circuits.current()) gauge.set({ purpose, endpoint }, value)
 * ```
 */
export class CircuitTable {
  readonly #entries = new Map<string, ReportedCircuit & { at: number }>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Records `endpoint`'s new state (an unknown state is ignored). */
  set(purpose: UpstreamPurpose, endpoint: string, state: string): void {
    const value = VALUE[state as keyof typeof VALUE] as 0 | 1 | 2 | undefined
    if (value === undefined) return
    const key = `${purpose} ${endpoint}`
    const entries = this.#entries
    entries.delete(key) // re-inserted last: the map stays ordered by change
    entries.set(key, { purpose, endpoint, value, at: this.#now() })
    if (entries.size > CIRCUIT_REPORT_MAX) entries.delete(entries.keys().next().value as string)
  }

  /** The states to report now (those changed within the last 60 s). */
  current(): ReportedCircuit[] {
    const oldest = this.#now() - CIRCUIT_REPORT_MS
    const live: ReportedCircuit[] = []
    for (const [key, entry] of this.#entries) {
      if (entry.at < oldest) this.#entries.delete(key)
      else live.push({ purpose: entry.purpose, endpoint: entry.endpoint, value: entry.value })
    }
    return live
  }
}
