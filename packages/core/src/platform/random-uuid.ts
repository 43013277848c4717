/** Random UUIDs from the web's `crypto.randomUUID`, which every runtime has. */

/**
 * A random (version 4) UUID.
 *
 * @example
 * ```ts
 * randomUUID() // '3b241101-e2bb-4255-8caf-4136c566a962'
 * ```
 */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID()
}
