/** Random bytes from the web's `crypto.getRandomValues`, which every runtime has. */

/**
 * `length` cryptographically random bytes (at most 65,536).
 *
 * @example
 * ```ts
 * const secret = randomBytes(32)
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length))
}
