/** Reads granted scopes from claims: a space-delimited string (RFC 8693 §4.2) or an array. */
import { InvalidTokenError } from '../errors/auth-error.js'

/**
 * The scopes in the first of `claimNames` that is present; `[]` when none is.
 * Throws {@link InvalidTokenError} for a claim that is neither a string nor an array of strings.
 *
 * @example
 * ```ts
 * scopesOf({ scope: 'orders:read orders:write' }, ['scope', 'scp']) // ['orders:read', 'orders:write']
 * scopesOf({ scp: ['a', 'b'] }, ['scope', 'scp'])                   // ['a', 'b']
 * ```
 */
export function scopesOf(claims: Record<string, unknown>, claimNames: readonly string[]): string[] {
  for (const name of claimNames) {
    const value = claims[name]
    if (value === undefined || value === null) continue
    if (typeof value === 'string') return value.split(' ').filter((s) => s !== '')
    if (Array.isArray(value) && value.every((s): s is string => typeof s === 'string')) {
      return value.filter((s) => s !== '')
    }
    throw new InvalidTokenError(`Token claim "${name}" is malformed`)
  }
  return []
}
