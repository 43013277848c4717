/** Reads a token's roles from the claims `roleClaims` names, united. */
import { readClaim, type ClaimPath } from '../claims/claim-path.js'

/**
 * The roles of every one of `roleClaims` that holds a space-delimited string or an array of
 * strings, united in order of appearance; a claim of any other shape is ignored (no role
 * from it), never an error: roles are read from claims other parties define.
 *
 * @example
 * ```ts
 * rolesOf({ roles: ['reader'], realm_access: { roles: ['admin'] } }, ['roles', ['realm_access', 'roles']])
 * // ['reader', 'admin']
 * ```
 */
export function rolesOf(
  claims: Record<string, unknown>,
  roleClaims: readonly ClaimPath[],
): string[] {
  let roles: string[] | undefined
  for (const path of roleClaims) {
    const value = readClaim(claims, path)
    let found: readonly string[] | undefined
    if (typeof value === 'string') found = value.split(' ')
    else if (Array.isArray(value) && value.every((r): r is string => typeof r === 'string')) {
      found = value
    }
    if (!found) continue
    for (const role of found) {
      if (role === '') continue
      roles ??= []
      if (!roles.includes(role)) roles.push(role)
    }
  }
  return roles ?? []
}
