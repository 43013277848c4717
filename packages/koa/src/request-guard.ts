/**
 * The guard that authenticated a request, remembered on the context (not in `ctx.state`, which
 * apps serialize and templates read) so scope checks format challenges with its settings.
 * Internal: shared by `requireScopes()`, `requireAnyScope()` and the scope decorators.
 */
import type { Guard } from '@bearerguard/core'
import type { Context } from 'koa'

const GUARD = Symbol.for('bearerguard.guard')

type WithGuard = Context & { [GUARD]?: Guard }

/**
 * Remembers which guard authenticated `ctx`.
 *
 * @example
 * ```ts
 * setRequestGuard(ctx, guard)
 * ```
 */
export function setRequestGuard(ctx: Context, guard: Guard): void {
  ;(ctx as WithGuard)[GUARD] = guard
}

/**
 * The guard that authenticated `ctx`, if `bearerAuth()` ran.
 *
 * @example
 * ```ts
 * const guard = requestGuard(ctx)
 * if (!guard) throw new Error('bearerAuth() must run first')
 * ```
 */
export function requestGuard(ctx: Context): Guard | undefined {
  return (ctx as WithGuard)[GUARD]
}
