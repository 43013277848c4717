/**
 * HMAC-SHA-256 (RFC 2104), synchronously on every runtime (WebCrypto's `sign` is
 * asynchronous): node:crypto where the runtime has it and it gives RFC 4231's known answer,
 * else `@noble/hashes`.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64urlEncode } from './base64.js'
import type { NodeCrypto } from './node-builtins.js'
import { perRuntime } from './per-runtime.js'
import { utf8Encode } from './utf8.js'

type Mac = (key: Uint8Array, message: string | Uint8Array) => Uint8Array

/** RFC 4231 §4.3 (test case 2): key "Jefe", its message, and the HMAC-SHA-256 in base64url. */
const KNOWN = {
  key: 'Jefe',
  message: 'what do ya want for nothing?',
  mac: 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM',
}

const viaNoble: Mac = (key, message) =>
  hmac(sha256, key, typeof message === 'string' ? utf8Encode(message) : message)

function viaNode(crypto: NodeCrypto): Mac | undefined {
  const mac: Mac = (key, message) => crypto.createHmac('sha256', key).update(message).digest()
  try {
    const answer = mac(utf8Encode(KNOWN.key), KNOWN.message)
    return base64urlEncode(answer) === KNOWN.mac ? mac : undefined
  } catch {
    return undefined
  }
}

const implementation = perRuntime(({ crypto }) => (crypto && viaNode(crypto)) ?? viaNoble)

/**
 * The HMAC-SHA-256 of `message` (a string as UTF-8) under `key`: 32 bytes.
 *
 * @example
 * ```ts
 * const mac = hmacSha256(secret, `bearerguard dpop nonce ${step}`).subarray(0, 16)
 * ```
 */
export function hmacSha256(key: Uint8Array, message: string | Uint8Array): Uint8Array {
  return implementation()(key, message)
}
