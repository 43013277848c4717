/**
 * A route requirement named for telemetry: its kind (`scopes`, `anyScopes`, `roles`,
 * `anyRoles`, `claims`, `stepUp`, `predicate`) and what it asks for — scope and role names,
 * claim names (never the values asked for), acr values and max age — all from the app's
 * configuration, never from a token.
 */
import type { RouteRequirement } from '../requirements/route-requirement.js'

/**
 * The kind of `requirement` (see above).
 *
 * @example
 * ```ts
 * requirementKind({ scopes: ['orders:read'], match: 'all' }) // 'scopes'
 * ```
 */
export function requirementKind(requirement: RouteRequirement): string {
  if (typeof requirement === 'function') return 'predicate'
  const r = requirement as Partial<Record<string, unknown>>
  if (r.scopes !== undefined) return r.match === 'any' ? 'anyScopes' : 'scopes'
  if (r.roles !== undefined) return 'roles'
  if (r.anyRoles !== undefined) return 'anyRoles'
  if (r.claims !== undefined) return 'claims'
  return 'stepUp'
}

/**
 * What `requirement` asks for, in a few words (see above).
 *
 * @example
 * ```ts
 * requirementSummary({ scopes: ['orders:read', 'orders:write'], match: 'all' }) // 'scopes orders:read orders:write'
 * ```
 */
export function requirementSummary(requirement: RouteRequirement): string {
  if (typeof requirement === 'function') return `predicate ${requirement.name || '(anonymous)'}`
  const r = requirement as Partial<Record<string, unknown>>
  const parts: string[] = []
  const list = (name: string, value: unknown) => {
    if (Array.isArray(value)) parts.push(`${name} ${value.join(' ')}`)
  }
  if (r.scopes !== undefined) list(r.match === 'any' ? 'anyScopes' : 'scopes', r.scopes)
  list('roles', r.roles)
  list('anyRoles', r.anyRoles)
  if (typeof r.claims === 'object' && r.claims !== null) {
    parts.push(`claims ${Object.keys(r.claims).join(' ')}`)
  }
  list('acrValues', r.acrValues)
  if (typeof r.maxAge === 'number') parts.push(`maxAge ${r.maxAge}`)
  return parts.join('; ')
}
