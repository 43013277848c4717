/**
 * Formats `WWW-Authenticate` challenges (RFC 6750 §3, RFC 9110 §11.6.1). Every parameter value
 * is quoted and sanitised to the characters RFC 6750 allows in `error_description`
 * (%x20-21 / %x23-5B / %x5D-7E): no `"`, no `\`, no control or non-ASCII characters.
 * A parameter is written at most once.
 */

/**
 * Removes every character a quoted challenge parameter may not hold.
 *
 * @example
 * ```ts
 * sanitizeParam('bad "quote" \\ café') // → 'bad quote  caf'
 * ```
 */
export function sanitizeParam(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
}

/**
 * Builds one challenge, e.g. `Bearer realm="api", error="invalid_token"`.
 * Parameters with an undefined or empty value are left out; the first occurrence of a name wins.
 *
 * @example
 * ```ts
 * formatChallenge('Bearer', [['realm', 'api'], ['error', 'invalid_token']])
 * // → 'Bearer realm="api", error="invalid_token"'
 * ```
 */
export function formatChallenge(
  scheme: string,
  params: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const seen = new Set<string>()
  const parts: string[] = []
  for (const [name, raw] of params) {
    if (raw === undefined || seen.has(name)) continue
    const value = sanitizeParam(raw)
    if (value === '' && name !== 'realm') continue
    seen.add(name)
    parts.push(`${name}="${value}"`)
  }
  return parts.length > 0 ? `${scheme} ${parts.join(', ')}` : scheme
}
