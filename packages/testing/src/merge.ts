/**
 * Shallow-merges `overrides` over `defaults`; a key explicitly set to `undefined` in `overrides`
 * is removed from the result (so callers can drop a default claim or header field).
 *
 * @example
 * ```ts
 * mergeRemovingUndefined({ alg: 'RS256', kid: 'k1' }, { kid: undefined, typ: 'JWT' })
 * // { alg: 'RS256', typ: 'JWT' }
 * ```
 */
export function mergeRemovingUndefined(
  defaults: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults, ...overrides }
  for (const [name, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[name]
  }
  return merged
}
