/**
 * DPoP (RFC 9449) for tests: a client's proof-of-possession key, and proofs — well-formed, or
 * altered in any header field or claim to test how a resource server refuses them.
 */
import { createHash, randomUUID, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import { generateIssuerKey, jwkThumbprint } from './keys.js'
import { mergeRemovingUndefined } from './merge.js'
import { signTokenByHand, type SigningKeyInput } from './mint-token.js'

/**
 * A client's DPoP key pair.
 *
 * @example
 * ```ts
 * const key = await createDpopKey()
 * const token = await issuer.token({ scope: 'orders:read', cnf: { jkt: key.jkt } })
 * ```
 */
export interface DpopKey {
  readonly alg: string
  readonly privateKey: KeyObject
  /** The public JWK put in every proof's header (key members only). */
  readonly publicJwk: Readonly<JWK>
  /** Its RFC 7638 SHA-256 thumbprint: the `cnf.jkt` of tokens bound to it. */
  readonly jkt: string
}

/**
 * Generates a DPoP key pair for `alg` (default ES256; any asymmetric JWS algorithm).
 *
 * @example
 * ```ts
 * const key = await createDpopKey('EdDSA')
 * ```
 */
export async function createDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicJwk } = await generateIssuerKey(alg)
  const { kid: _kid, alg: _alg, use: _use, ...members } = publicJwk
  return Object.freeze({
    alg,
    privateKey,
    publicJwk: Object.freeze(members),
    jkt: jwkThumbprint(members),
  })
}

/**
 * What a proof is for, and how to alter it.
 *
 * @example
 * ```ts
 * const options: DpopProofOptions = { method: 'GET', url: 'http://127.0.0.1:3000/api/me', accessToken }
 * ```
 */
export interface DpopProofOptions {
  /** `htm`. */
  method: string
  /** `htu` (query and fragment are left out, as RFC 9449 §4.2 says). */
  url: string
  /** The access token the proof goes with: `ath` is its hash. */
  accessToken?: string
  /** A server-provided nonce. */
  nonce?: string
  /** `iat`, seconds; default now. */
  iat?: number
  /** `jti`; default a random UUID. */
  jti?: string
  /** Merged over `{ typ: 'dpop+jwt', alg, jwk }`; a field set to undefined is removed. */
  header?: Record<string, unknown>
  /** Merged over the claims; a claim set to undefined is removed. */
  claims?: Record<string, unknown>
  /** Sign with another algorithm and key than the proof's own (e.g. a key not in `jwk`). */
  signWith?: { alg: string; key: SigningKeyInput }
}

/**
 * Makes a DPoP proof (a compact JWS) signed by `key`.
 *
 * @example
 * ```ts
 * const proof = dpopProof(key, { method: 'GET', url: `${api}/orders`, accessToken: token })
 * await fetch(`${api}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: proof } })
 * ```
 */
export function dpopProof(key: DpopKey, options: DpopProofOptions): string {
  const header = mergeRemovingUndefined(
    { typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk },
    options.header,
  )
  const htu = options.url.replace(/[?#].*$/s, '')
  const claims = mergeRemovingUndefined(
    {
      jti: options.jti ?? randomUUID(),
      htm: options.method,
      htu,
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      ath:
        options.accessToken === undefined
          ? undefined
          : createHash('sha256').update(options.accessToken).digest('base64url'),
      nonce: options.nonce,
    },
    options.claims,
  )
  const signer = options.signWith ?? { alg: key.alg, key: key.privateKey }
  return signTokenByHand(header, claims, signer.alg, signer.key)
}
