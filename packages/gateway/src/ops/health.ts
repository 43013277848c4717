/**
 * Liveness and readiness. `/healthz` answers 200 while the process serves; `/readyz` answers
 * 200 only when the guard's keys are warm (discovery and JWKS fetched, the introspection
 * endpoint known) and the shared cache, if any, is reachable — 503 otherwise, and while
 * shutting down.
 */
import type { Guard } from '@bearerguard/core'
import type { RedisCacheStore } from '@bearerguard/redis'

/**
 * The answer of a readiness check.
 *
 * @example
 * ```ts
 * const report: ReadinessReport = { ready: true, checks: { keys: 'ok', cache: 'none' } }
 * ```
 */
export interface ReadinessReport {
  ready: boolean
  checks: {
    keys: 'ok' | 'unavailable'
    cache: 'ok' | 'unreachable' | 'none'
    shutdown?: 'draining'
  }
}

/**
 * Checks readiness.
 *
 * @example
 * ```ts
 * const report = await readiness(guard, redis, draining)
 * res.writeHead(report.ready ? 200 : 503).end(JSON.stringify(report))
 * ```
 */
export async function readiness(
  guard: Guard,
  redis: RedisCacheStore | undefined,
  draining: boolean,
): Promise<ReadinessReport> {
  const [keys, cache] = await Promise.all([
    guard.ready().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
    redis
      ? redis.reachable
        ? ('ok' as const)
        : redis.ready(500).then(
            () => 'ok' as const,
            () => 'unreachable' as const,
          )
      : ('none' as const),
  ])
  const checks: ReadinessReport['checks'] = { keys, cache }
  if (draining) checks.shutdown = 'draining'
  return { ready: !draining && keys === 'ok' && cache !== 'unreachable', checks }
}
