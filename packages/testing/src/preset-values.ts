/**
 * Checks and copies of the values given to the provider presets (`keycloakClaims()`,
 * `entraClaims()`, `auth0Claims()`): a wrong one throws a TypeError naming the preset and the
 * option, so a mistake in a test's setup is not mistaken for a refusal by the code under test.
 */

/**
 * A copy of a list of strings.
 *
 * @example
 * ```ts
 * stringList('keycloakClaims', 'realmRoles', ['admin']) // ['admin']
 * stringList('keycloakClaims', 'realmRoles', 'admin')   // throws TypeError
 * ```
 */
export function stringList(preset: string, option: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`${preset}(): ${option} must be an array of strings`)
  }
  return [...(value as string[])]
}

/**
 * A space-delimited string from a string (kept as is) or a list of strings (joined).
 *
 * @example
 * ```ts
 * spaceDelimited('auth0Claims', 'scope', ['openid', 'read:orders']) // 'openid read:orders'
 * ```
 */
export function spaceDelimited(preset: string, option: string, value: unknown): string {
  if (typeof value === 'string') return value
  return stringList(preset, option, value).join(' ')
}

/**
 * A non-empty string.
 *
 * @example
 * ```ts
 * nonEmptyString('entraClaims', 'tenantId', '') // throws TypeError
 * ```
 */
export function nonEmptyString(preset: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${preset}(): ${option} must be a non-empty string`)
  }
  return value
}

/**
 * `value` as a non-empty string when given, else `fallback`.
 *
 * @example
 * ```ts
 * optionalString('keycloakClaims', 'azp', undefined, 'test-client') // 'test-client'
 * ```
 */
export function optionalString(
  preset: string,
  option: string,
  value: unknown,
  fallback: string,
): string {
  return value === undefined ? fallback : nonEmptyString(preset, option, value)
}
