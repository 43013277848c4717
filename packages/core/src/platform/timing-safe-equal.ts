/**
 * Compares two byte strings in a time that does not depend on where they differ, so a MAC
 * cannot be guessed byte by byte. node:crypto's `timingSafeEqual` (OpenSSL's CRYPTO_memcmp)
 * where the runtime has it; elsewhere the usual XOR-accumulate loop, written here because
 * WebCrypto has no such function and the loop is four lines.
 */
import { perRuntime } from './per-runtime.js'

type Compare = (a: Uint8Array, b: Uint8Array) => boolean

const xorLoop: Compare = (a, b) => {
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number)
  return difference === 0
}

const implementation = perRuntime(({ crypto }): Compare => {
  const node = crypto?.timingSafeEqual
  return typeof node === 'function' ? (a, b) => node(a, b) : xorLoop
})

/**
 * Whether `a` and `b` hold the same bytes, compared in constant time for a given length (a
 * length that differs is false at once: lengths are no secret here).
 *
 * @example
 * ```ts
 * timingSafeEqual(received, expected) // true or false
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && implementation()(a, b)
}
