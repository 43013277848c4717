/**
 * Introspection cache entries as stored in Redis: the entry's JSON, nothing added. A value that
 * is not a well-formed entry (corrupt, or written by something else) reads as a miss.
 */
import type { IntrospectionCacheEntry } from '@bearerguard/core'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The JSON stored for `entry`.
 *
 * @example
 * ```ts
 * encodeEntry({ active: false }) // '{"active":false}'
 * ```
 */
export function encodeEntry(entry: IntrospectionCacheEntry): string {
  return JSON.stringify(entry)
}

/**
 * The entry a stored value holds, or undefined when it holds none.
 *
 * @example
 * ```ts
 * decodeEntry('{"active":true,"issuer":"https://as.example.com","claims":{"sub":"alice"}}')
 * decodeEntry('garbage') // undefined
 * ```
 */
export function decodeEntry(value: string): IntrospectionCacheEntry | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return undefined
  }
  if (!isPlainObject(parsed)) return undefined
  if (parsed.active === false) return { active: false }
  if (parsed.active === true && typeof parsed.issuer === 'string' && isPlainObject(parsed.claims)) {
    return { active: true, issuer: parsed.issuer, claims: parsed.claims }
  }
  return undefined
}
