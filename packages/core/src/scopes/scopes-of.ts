/** Reads granted scopes from claims: a space-delimited string (RFC 8693 §4.2) or an array. */
import { claimPathName, readClaim, type ClaimPath } from '../claims/claim-path.js'
import { InvalidTokenError } from '../errors/auth-error.js'

/**
 * The scopes in the first of `claimPaths` that is present (a claim name, or a path into
 * nested objects); `[]` when none is.
 * Throws {@link InvalidTokenError} for a claim that is neither a string nor an array of strings.
 *
 * @example
 * ```ts
 * scopesOf({ scope: 'orders:read orders:write' }, ['scope', 'scp']) // ['orders:read', 'orders:write']
 * scopesOf({ scp: ['a', 'b'] }, ['scope', 'scp'])                   // ['a', 'b']
 * ```
 */
export function scopesOf(
  claims: Record<string, unknown>,
  claimPaths: readonly ClaimPath[],
): string[] {
  for (const path of claimPaths) {
    const value = readClaim(claims, path)
    if (value === undefined || value === null) continue
    if (typeof value === 'string') return value.split(' ').filter((s) => s !== '')
    if (Array.isArray(value) && value.every((s): s is string => typeof s === 'string')) {
      return value.filter((s) => s !== '')
    }
    throw new InvalidTokenError(`Token claim "${claimPathName(path)}" is malformed`)
  }
  return []
}
