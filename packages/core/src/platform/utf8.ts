/** UTF-8 with the web's TextEncoder and TextDecoder, which every runtime has. */

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8')

/**
 * The UTF-8 bytes of `text`.
 *
 * @example
 * ```ts
 * utf8Encode('é') // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * `bytes` read as UTF-8; invalid sequences become U+FFFD, as Node's `buffer.toString('utf8')`
 * makes them.
 *
 * @example
 * ```ts
 * utf8Decode(new Uint8Array([0xc3, 0xa9])) // 'é'
 * ```
 */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
