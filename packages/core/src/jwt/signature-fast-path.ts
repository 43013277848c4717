/**
 * Whether this runtime's node:crypto may decide signatures: it must first prove itself. On
 * Cloudflare Workers with `nodejs_compat`, node:crypto is there and converts jose's keys, yet
 * `verify` answers false for valid signatures — trusted blindly, it would turn every valid token
 * into a 401. So, once per process, before any token is decided by it, the very path tokens
 * take (jose's `importJWK` → CryptoKey → `KeyObject.from` → `verify` with the algorithm's
 * parameters, in `node-signature-check.ts`) checks known signatures: each family of algorithms
 * (RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA, Ed25519) is trusted when its valid signature verifies
 * and the same signature over another message does not. A family that fails, or throws, is
 * left to jose's WebCrypto verification for the life of the process; so is everything while the
 * test runs (it is asynchronous, as importing a key is: the first tokens of a process wait for
 * their keys anyway).
 *
 * The test vectors were made once with node:crypto (fresh keys, their private halves thrown
 * away); they are public keys and signatures over `MESSAGE`.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose'
import { base64urlDecode } from '../platform/base64.js'
import type { NodeBuiltins } from '../platform/node-builtins.js'
import { perRuntime } from '../platform/per-runtime.js'
import { nodeSignatureCheck, type SignatureCheck } from './node-signature-check.js'

/** What the self-test's signatures sign. */
const MESSAGE = 'bearerguard: the signature fast path proves itself'

const RSA_2048: JWK = {
  kty: 'RSA',
  n: 'h_EqJIfBk7oFDsuAkTwc1ARhDZtphDrRPhBRWn-kl2yoU8YRvmi-4QJy7by0244ZRzT6xMjCHhwc-F4S4qAJTl7uXPPgUHg7a4IQZSSRowwi-jBAZsBQnlzyHcfKg4qJqXPwX2vvJSRo5mugiwC5x2B615oCUdIGLzSlpqpfI-zudSemLLBDHX9b1E92mr6NOxbCWo1zhvtj47DHhugGYIf67D0B69rNmYYITQHtm3XUQRvhZHNppIohldrIptGGWX7MYyiUFYb0olUPKPwM1Qdq9zsSOUorbiPSh2SbTRrTj6sLg701D1Tcl_qLmAYUixaXYP3JgWWrNVmYB5jeHw',
  e: 'AQAB',
}

interface Vector {
  /** The algorithms the vector's family covers. */
  algorithms: readonly string[]
  alg: string
  jwk: JWK
  /** A signature over `MESSAGE` by the key, base64url. */
  signature: string
}

const VECTORS: readonly Vector[] = [
  {
    algorithms: ['RS256', 'RS384', 'RS512'],
    alg: 'RS256',
    jwk: RSA_2048,
    signature:
      'WzzxSf02_TSvyevXVYs21O7kH1Enk5XrpqCgjx-3GQ5W52dmhOI6L3X04giTfX4ExN_KVGf3aXqTtBBx4DTfW6DPy7XyMurxvDjSmcdIxny_Sqao410kWrBmZvILyXXOj6VTfSW5MOVh2flpAL2cGKY5vxqKWrnPE92xVm7NkT9N2SV9urkmD0WLGj3RmmJz89YkEj0AXLUC5LV7S3Tgar8XMdT5NoyeFIRVmLFHXGZrtxN81zWyBFQxJbsQ0xakfunj0ZmiQgK-Are6pX8aIYmehM35-z_2GN7LYrClK_6zM_FAWek30nZ85FP6GIp3Q31_gUq9rPhilUIKDzrdzA',
  },
  {
    algorithms: ['PS256', 'PS384', 'PS512'],
    alg: 'PS256',
    jwk: RSA_2048,
    signature:
      'O5Fm-PZVgrB2TV6wkdnWscsq0BH0wxeOoll6LZD2yfL_J6e4Kvvo5H6NLxGJOcvuldIErE3K_r03sKMeISMtS7jaWBYjriIIZQYo2HRkhTlqeJaBRBIHy5DLYMIl64ST-jN7Edqk1CQXmCmvs-BhJXreAvIJ8wU4eaSIYbG-Arw4k9dPAbEa53VpUWoDW2hpK7gBewUomVXpmJe64UStWmY1jLO0ZLjAFqCmrgXKuevAPLIBN3yWbrqUC7_WAnugWoEl684xy8PFtYaQZ57EUbqYQJq5Q9qjOEXH-DLxTeghpay21q8L0R2ag9t5M2W7GM-X3kv0ushLcc32EYWkgQ',
  },
  {
    algorithms: ['ES256', 'ES384', 'ES512'],
    alg: 'ES256',
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'pS512JhH2JGkrxDtiB3Pn1nKm70uZ_n1xK66ddeeI7Y',
      y: 'scVGUEtldLpJE4R2OwYsAsjqsPp8xx-MAoVl6Zan4cc',
    },
    signature:
      'YTI9hQWyV_p6HyEXm4OWJZJfPLTcoASYvmTO873Gu5x0pf0WKCKlBWLTMC0BsJDtC0ya798SB71avfuiFDCJ2Q',
  },
  {
    algorithms: ['EdDSA', 'Ed25519'],
    alg: 'EdDSA',
    jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AHalVGcIUwgSRzWWcXJvE73wd3fXrLqIUIzrdNApkzI' },
    signature:
      'mpR1A-Awfmu4mpkJHZy_xIWwE_Nh9Vq7WydajrU9vuNaPUa39r-XPJNC5QUHOm3xysaTrm9yPu4wQYVcDeELBQ',
  },
]

/**
 * The node:crypto signature check of one runtime, with what its self-test proved.
 *
 * @example
 * ```ts
 * const fastPath = new SignatureFastPath(nodeBuiltins())
 * await fastPath.tested()
 * fastPath.checkNow('RS256') // the check, or undefined: use jose
 * ```
 */
export class SignatureFastPath {
  readonly #check: SignatureCheck | undefined
  /** The algorithms proven, once the self-test has run. */
  #proven: ReadonlySet<string> | undefined
  #testing: Promise<void> | undefined

  constructor({ crypto, Buffer }: NodeBuiltins) {
    this.#check = crypto && nodeSignatureCheck({ crypto, Buffer })
    if (!this.#check) this.#proven = new Set()
  }

  /**
   * The check for `alg` when the self-test proved it; else undefined (jose decides), also while
   * the test has not run — this starts it.
   */
  checkNow(alg: string): SignatureCheck | undefined {
    const proven = this.#proven
    if (proven) return proven.has(alg) ? this.#check : undefined
    void this.tested()
    return undefined
  }

  /** Undefined once the self-test has run; else the promise of its end (started if need be). */
  tested(): Promise<void> | undefined {
    if (this.#proven) return undefined
    return (this.#testing ??= selfTest(this.#check as SignatureCheck).then((proven) => {
      this.#proven = proven
    }))
  }

  /** The algorithms proven: undefined while the self-test has not run. */
  get proven(): ReadonlySet<string> | undefined {
    return this.#proven
  }
}

/**
 * The signature fast path of this runtime (one per process; tests that override the Node
 * builtins get one for those).
 *
 * @example
 * ```ts
 * const valid = signatureFastPath().checkNow(alg)?.(jws, alg, key) // undefined: ask jose
 * ```
 */
export const signatureFastPath: () => SignatureFastPath = perRuntime(
  (builtins) => new SignatureFastPath(builtins),
)

/** The algorithms whose family `check` verifies right, on keys imported by jose. */
async function selfTest(check: SignatureCheck): Promise<ReadonlySet<string>> {
  const proven = new Set<string>()
  for (const { algorithms, alg, jwk, signature } of VECTORS) {
    try {
      const key = (await importJWK(jwk, alg)) as CryptoKey
      const bytes = base64urlDecode(signature)
      const valid = check({ signingInput: MESSAGE, signature: bytes }, alg, key)
      const forged = check({ signingInput: `${MESSAGE}!`, signature: bytes }, alg, key)
      if (valid === true && forged === false) for (const a of algorithms) proven.add(a)
    } catch {
      // not proven: jose verifies this family
    }
  }
  return proven
}
