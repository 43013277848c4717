/** Per-route scope requirements, and the check that enforces them. */
import { InsufficientScopeError } from '../errors/auth-error.js'

/**
 * What a route requires: every scope of `scopes` (`match: 'all'`, the default), or at least
 * one of them (`match: 'any'`).
 *
 * @example
 * ```ts
 * const read: ScopeRequirement = { scopes: ['orders:read'] }
 * const write: ScopeRequirement = { scopes: ['orders:write', 'admin'], match: 'any' }
 * ```
 */
export interface ScopeRequirement {
  scopes: readonly string[]
  match?: 'all' | 'any'
}

/**
 * Throws {@link InsufficientScopeError} unless `granted` satisfies `requirement`.
 * An empty requirement is always satisfied.
 *
 * @example
 * ```ts
 * checkScopes(['orders:read'], { scopes: ['orders:read'] })            // ok
 * checkScopes(['orders:read'], { scopes: ['orders:write'] })           // throws
 * ```
 */
export function checkScopes(granted: readonly string[], requirement: ScopeRequirement): void {
  const { scopes } = requirement
  if (scopes.length === 0) return
  const have = new Set(granted)
  const ok =
    requirement.match === 'any' ? scopes.some((s) => have.has(s)) : scopes.every((s) => have.has(s))
  if (!ok) throw new InsufficientScopeError(scopes)
}
