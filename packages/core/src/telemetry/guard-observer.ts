/**
 * The guard's decisions and calls as events, for metrics: what the OpenTelemetry meter records
 * (otel-metrics.ts) and what any other sink may record — the gateway's Prometheus registry, a
 * StatsD client — under the same names. Events carry no token and no claim value.
 */
import type { UpstreamPurpose, UpstreamResult } from '../http/fetch-json.js'

/** How an authentication ended. `error`: a bug (not an `AuthError`), answered with a 500. */
export type AuthenticationOutcome = 'allowed' | 'anonymous' | 'rejected' | 'unavailable' | 'error'

/**
 * One authentication: the outcome, the `AuthError` code for a refusal (`unauthorized` when no
 * token came), the token's format and whether a cache decided it, and how long it took.
 */
export interface AuthenticationEvent {
  readonly outcome: AuthenticationOutcome
  readonly reason: string | undefined
  readonly format: 'jwt' | 'opaque' | undefined
  readonly cacheHit: boolean | undefined
  readonly seconds: number
}

/** One route requirement checked (`guard.authorize`): met, or refused with its code. */
export interface AuthorizationEvent {
  readonly outcome: 'allowed' | 'rejected'
  readonly reason: string | undefined
  /** The kind of requirement that failed: `scopes`, `roles`, `claims`, `stepUp`, `predicate`, `authenticated`. */
  readonly requirement: string | undefined
}

/** One call to an authorization server. */
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
  authentication?(event: AuthenticationEvent): void
  authorization?(event: AuthorizationEvent): void
  upstream?(event: UpstreamEvent): void
  /** A lookup in the verified-token cache (`token`) or the introspection cache. */
  cacheLookup?(cache: 'token' | 'introspection', hit: boolean): void
  /** An endpoint's circuit breaker changed state. */
  circuit?(purpose: UpstreamPurpose, endpoint: string, state: 'closed' | 'open' | 'half-open'): void
}
