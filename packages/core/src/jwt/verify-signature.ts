/**
 * The signature check of a JWS, on every runtime: at once through node:crypto where the runtime
 * has it and it has proven itself (`signature-fast-path.ts`, `node-signature-check.ts`: the
 * same primitive as jose's WebCrypto call at a fraction of the cost, and without waiting), else
 * with jose's `compactVerify` (WebCrypto), which is also the path of HMAC secrets and of
 * anything node:crypto cannot tell.
 */
import { compactVerify, type CryptoKey } from 'jose'
import type { PeekedJwt } from './peek-jwt.js'
import { signatureFastPath } from './signature-fast-path.js'

/**
 * Checks the signature at once through node:crypto when it can (an asymmetric algorithm, a key
 * node:crypto takes, a runtime whose node:crypto has proven itself): true or false. Undefined
 * when only jose can tell (HMAC secrets, a runtime without node:crypto, or whose node:crypto
 * failed its self-test or has not run it yet) — then {@link signatureValid} does.
 *
 * @example
 * ```ts
 * const valid = signatureValidNow(peekJwt(token), 'RS256', key) ?? (await signatureValid(token, peeked, 'RS256', key))
 * ```
 */
export function signatureValidNow(
  jws: Pick<PeekedJwt, 'signingInput' | 'signature'>,
  alg: string,
  key: CryptoKey | Uint8Array,
): boolean | undefined {
  if (key instanceof Uint8Array) return undefined
  return signatureFastPath().checkNow(alg)?.(jws, alg, key)
}

/**
 * Whether `token`'s signature is valid for `alg` and `key`: through node:crypto when it can
 * ({@link signatureValidNow}, once its self-test has run), else with jose.
 *
 * @example
 * ```ts
 * if (await signatureValid(token, peekJwt(token), 'RS256', key)) accept()
 * ```
 */
export async function signatureValid(
  token: string,
  jws: Pick<PeekedJwt, 'signingInput' | 'signature'>,
  alg: string,
  key: CryptoKey | Uint8Array,
): Promise<boolean> {
  if (!(key instanceof Uint8Array)) {
    const fastPath = signatureFastPath()
    const testing = fastPath.tested()
    if (testing) await testing
    const now = fastPath.checkNow(alg)?.(jws, alg, key)
    if (now !== undefined) return now
  }
  try {
    await compactVerify(token, key, { algorithms: [alg] })
    return true
  } catch {
    return false
  }
}
