/** Per-route scope requirements, and the check that enforces them. */
import { explained } from '../errors/explanation.js'
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
  // tokens carry a handful of scopes: a linear look beats building a Set per request
  const ok =
    requirement.match === 'any'
      ? scopes.some((s) => granted.includes(s))
      : scopes.every((s) => granted.includes(s))
  if (!ok) {
    throw explained(new InsufficientScopeError(scopes), () => ({
      check: requirement.match === 'any' ? 'any scope of' : 'scopes',
      expected: scopes,
      actual: granted,
    }))
  }
}

/**
 * RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`.
 *
 * @example
 * ```ts
 * SCOPE_TOKEN.test('orders:read') // true
 * ```
 */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/**
 * Throws a TypeError naming `name` (the API the user called) unless every one of `scopes` is an
 * RFC 6749 scope-token.
 *
 * @example
 * ```ts
 * checkScopeTokens(['orders:read'], 'requireScopes') // ok
 * checkScopeTokens(['a b'], 'requireScopes')         // throws TypeError
 * ```
 */
export function checkScopeTokens(scopes: readonly unknown[], name: string): void {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `bearerguard: ${name}() got an invalid scope ${JSON.stringify(scope)} (RFC 6749 §3.3)`,
      )
    }
  }
}

/**
 * Builds a requirement from a list of scopes, checking it at start-up: at least one scope,
 * each a valid RFC 6749 scope-token. `name` is the API the user called, for the message.
 *
 * @example
 * ```ts
 * scopeRequirement(['orders:read'], 'all', 'requireScopes') // { scopes: ['orders:read'], match: 'all' }
 * scopeRequirement([], 'all', 'requireScopes')             // throws TypeError
 * ```
 */
export function scopeRequirement(
  scopes: readonly string[],
  match: 'all' | 'any',
  name: string,
): ScopeRequirement {
  if (scopes.length === 0) throw new TypeError(`bearerguard: ${name}() needs at least one scope`)
  checkScopeTokens(scopes, name)
  return { scopes: [...scopes], match }
}
