/**
 * Where in a token's claims a value lives: a top-level claim name, taken literally
 * (`'https://example.com/roles'` is one name, dots and slashes included), or a path of names
 * into nested objects (`['realm_access', 'roles']`, Keycloak's shape). Only own properties of
 * plain objects are followed, so a path never reaches a prototype (`__proto__`,
 * `constructor`) or into an array.
 */

/**
 * A claim name, or a path of names into nested objects.
 *
 * @example
 * ```ts
 * const top: ClaimPath = 'roles'
 * const nested: ClaimPath = ['resource_access', 'orders-api', 'roles']
 * ```
 */
export type ClaimPath = string | readonly string[]

/**
 * The value at `path` in `claims`, or undefined when a step is missing or is not an object.
 *
 * @example
 * ```ts
 * readClaim({ realm_access: { roles: ['admin'] } }, ['realm_access', 'roles']) // ['admin']
 * readClaim({ realm_access: 'admin' }, ['realm_access', 'roles'])              // undefined
 * ```
 */
export function readClaim(claims: Record<string, unknown>, path: ClaimPath): unknown {
  if (typeof path === 'string') return Object.hasOwn(claims, path) ? claims[path] : undefined
  let value: unknown = claims
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    if (!Object.hasOwn(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return value
}

/**
 * A claim path as people write it in messages: `realm_access.roles`, or a literal name.
 *
 * @example
 * ```ts
 * claimPathName(['realm_access', 'roles']) // 'realm_access.roles'
 * ```
 */
export function claimPathName(path: ClaimPath): string {
  return typeof path === 'string' ? path : path.join('.')
}
