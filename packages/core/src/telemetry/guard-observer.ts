/**
 * The guard's decisions and calls as events, for metrics: what the OpenTelemetry meter records
 * (otel-metrics.ts) and what any other sink may record — the gateway's Prometheus registry, a
 * StatsD client — under the same names. Events carry no token and no claim value.
 */
import type { UpstreamPurpose, UpstreamResult } from '../http/fetch-json.js'

/**
 * How an authentication ended. `error`: a bug (not an `AuthError`), answered with a 500.
 *
 * @example
 * ```ts
 * const outcome: AuthenticationOutcome = 'unavailable'
 * ```
 */
export type AuthenticationOutcome = 'allowed' | 'anonymous' | 'rejected' | 'unavailable' | 'error'

/**
 * One authentication: the outcome, the `AuthError` code for a refusal (`unauthorized` when no
 * token came), the token's format and whether a cache decided it, and how long it took.
 *
 * @example
 * ```ts
 * const event: AuthenticationEvent = { outcome: 'allowed', reason: undefined, format: 'jwt', cacheHit: true, seconds: 0.00002 }
 * ```
 */
export interface AuthenticationEvent {
  readonly outcome: AuthenticationOutcome
  readonly reason: string | undefined
  readonly format: 'jwt' | 'opaque' | undefined
  readonly cacheHit: boolean | undefined
  readonly seconds: number
}

/**
 * One route requirement checked (`guard.authorize`): met, or refused with its code.
 *
 * @example
 * ```ts
 * const event: AuthorizationEvent = { outcome: 'rejected', reason: 'insufficient_scope', requirement: 'scopes' }
 * ```
 */
export interface AuthorizationEvent {
  readonly outcome: 'allowed' | 'rejected'
  readonly reason: string | undefined
  /** The kind of requirement that failed: `scopes`, `roles`, `claims`, `stepUp`, `predicate`, `authenticated`. */
  readonly requirement: string | undefined
}

/**
 * One call to an authorization server.
 *
 * @example
 * ```ts
 * const event: UpstreamEvent = { purpose: 'jwks', result: 'ok', seconds: 0.012 }
 * ```
 */
export interface UpstreamEvent {
  readonly purpose: UpstreamPurpose
  readonly result: UpstreamResult
  readonly seconds: number
}

/**
 * Receives the guard's events (all optional). Pass one as `telemetry: { observer }`; a method
 * that throws is ignored.
 *
 * @example
 * ```ts
 * const observer: GuardObserver = {
 *   authentication: (e) => counter.inc({ outcome: e.outcome, reason: e.reason ?? '' }),
 * }
 * createGuard({ issuer, audience, telemetry: { observer } })
 * ```
 */
export interface GuardObserver {
  /** An authentication ended. */
  authentication?(event: AuthenticationEvent): void
  /** A route requirement was checked. */
  authorization?(event: AuthorizationEvent): void
  /** A call to the authorization server ended. */
  upstream?(event: UpstreamEvent): void
  /** An endpoint's circuit breaker changed state. */
  circuit?(purpose: UpstreamPurpose, endpoint: string, state: 'closed' | 'open' | 'half-open'): void
}
