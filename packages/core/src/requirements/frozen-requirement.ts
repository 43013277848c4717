/**
 * A route requirement as it may be handed to the app's hooks: a frozen copy, so that a hook
 * that changes what it is given (`details.requirement.scopes.splice(0)`) cannot change the
 * route's own requirement for every later request.
 */
import type { RouteRequirement } from './route-requirement.js'

/**
 * A deep-frozen copy of `requirement` (a predicate is handed over as is: it has no data).
 *
 * @example
 * ```ts
 * const shown = frozenRequirement({ scopes: ['orders:write'], match: 'all' })
 * ```
 */
export function frozenRequirement(requirement: RouteRequirement): RouteRequirement {
  if (typeof requirement === 'function') return requirement
  return frozenCopy(requirement) as RouteRequirement
}

function frozenCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy))
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [key, inner] of Object.entries(value)) copy[key] = frozenCopy(inner)
  return Object.freeze(Object.setPrototypeOf(copy, Object.prototype) as object)
}
