/**
 * SHA-256, synchronously on every runtime: WebCrypto's `digest` is asynchronous, and cache keys
 * and DPoP checks need the hash at once. node:crypto computes it where the runtime has it (and
 * gives the known digest of "abc"); elsewhere `@noble/hashes`, an audited pure-JavaScript
 * implementation, does.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { base64urlEncode } from './base64.js'
import type { NodeCrypto } from './node-builtins.js'
import { perRuntime } from './per-runtime.js'
import { utf8Encode } from './utf8.js'

type Digest = (data: string | Uint8Array) => string

/** FIPS 180-2 appendix B.1: SHA-256("abc"), in base64url. */
const ABC = 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'

const viaNoble: Digest = (data) =>
  base64urlEncode(nobleSha256(typeof data === 'string' ? utf8Encode(data) : data))

function viaNode(crypto: NodeCrypto): Digest | undefined {
  const digest: Digest =
    typeof crypto.hash === 'function'
      ? (data) => crypto.hash('sha256', data, 'base64url')
      : (data) => crypto.createHash('sha256').update(data).digest('base64url')
  try {
    return digest('abc') === ABC ? digest : undefined
  } catch {
    return undefined
  }
}

const implementation = perRuntime(({ crypto }) => (crypto && viaNode(crypto)) ?? viaNoble)

/**
 * The SHA-256 of `data` (a string is hashed as UTF-8), in base64url without padding.
 *
 * @example
 * ```ts
 * sha256Base64url('abc') // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export function sha256Base64url(data: string | Uint8Array): string {
  return implementation()(data)
}
