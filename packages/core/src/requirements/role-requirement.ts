/** Per-route role requirements (`AuthInfo.roles`), and the check that enforces them. */
import { explained } from '../errors/explanation.js'
import { InsufficientScopeError } from '../errors/auth-error.js'

/**
 * What a route requires of the caller's roles: every one of `roles`, or at least one of
 * `anyRoles`.
 *
 * @example
 * ```ts
 * const admins: RoleRequirement = { roles: ['admin'] }
 * const staff: RoleRequirement = { anyRoles: ['admin', 'support'] }
 * ```
 */
export type RoleRequirement = { roles: readonly string[] } | { anyRoles: readonly string[] }

/**
 * Builds a role requirement, checking it at start-up: at least one role, each a non-empty
 * string. `name` is the API the user called, for the message.
 *
 * @example
 * ```ts
 * roleRequirement(['admin'], 'all', 'requireRoles') // { roles: ['admin'] }
 * roleRequirement([], 'all', 'requireRoles')        // throws TypeError
 * ```
 */
export function roleRequirement(
  roles: readonly unknown[],
  match: 'all' | 'any',
  name: string,
): RoleRequirement {
  if (!Array.isArray(roles) || roles.length === 0) {
    throw new TypeError(`bearerguard: ${name}() needs at least one role`)
  }
  for (const role of roles) {
    if (typeof role !== 'string' || role === '') {
      throw new TypeError(`bearerguard: ${name}() got an invalid role ${JSON.stringify(role)}`)
    }
  }
  const list = [...(roles as string[])]
  return match === 'all' ? { roles: list } : { anyRoles: list }
}

/**
 * Throws a 403 {@link InsufficientScopeError} (without `scope=`) unless `granted` holds every
 * one of `requirement.roles`, or at least one of `requirement.anyRoles`.
 *
 * @example
 * ```ts
 * checkRoles(['admin'], { roles: ['admin'] })          // ok
 * checkRoles(['reader'], { anyRoles: ['admin', 'ops'] }) // throws
 * ```
 */
export function checkRoles(
  granted: readonly string[],
  requirement: { roles?: readonly string[]; anyRoles?: readonly string[] },
): void {
  const { roles, anyRoles } = requirement
  const ok =
    (roles === undefined || roles.every((r) => granted.includes(r))) &&
    (anyRoles === undefined || anyRoles.some((r) => granted.includes(r)))
  if (!ok) {
    throw explained(new InsufficientScopeError([], 'The token lacks a required role'), () => ({
      check: 'roles',
      expected: anyRoles === undefined ? { roles } : roles ? { roles, anyRoles } : { anyRoles },
      actual: granted,
    }))
  }
}
