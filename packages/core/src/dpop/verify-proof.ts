/**
 * Checks a DPoP proof (RFC 9449 §4.3) for one request. The proof must be a compact JWS in
 * canonical base64url (one spelling per proof, as for access tokens). jose verifies the JWS: `typ`
 * `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` in the header (a private or symmetric
 * key is refused by jose's EmbeddedJWK), the signature by that key. Then, here: the required
 * claims, `htm` and `htu` against the request, `iat` within the window, `ath` against the
 * access token, the server nonce when nonces are on, the key's thumbprint against the token's
 * `cnf.jkt`, and last (so that a proof failing any other check spends nothing) the `jti`
 * against the replay store.
 */
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose'
import {
  AuthServerUnavailableError,
  InvalidDpopProofError,
  UseDpopNonceError,
} from '../errors/auth-error.js'
import type { DpopNonces } from './dpop-nonces.js'
import { canonical } from '../jwt/peek-jwt.js'
import { sha256Base64url } from '../platform/sha256.js'
import { normalizeHtu } from './normalize-htu.js'
import type { ReplayStore } from './replay-store.js'

/** The longest proof looked at (a proof carries one public key: a few KiB at most). */
const MAX_PROOF_LENGTH = 8192
const MAX_JTI_LENGTH = 256

export interface DpopPolicy {
  /** Allowed proof algorithms (asymmetric only). */
  algorithms: readonly string[]
  /** Seconds a proof is accepted after its `iat`. */
  maxAge: number
  /** Seconds of leeway for `iat` (both ways). */
  clockTolerance: number
  replayStore: ReplayStore
  /** Server nonces, when they are on (`dpop.nonce`). */
  nonces: DpopNonces | undefined
}

export interface ProofRequest {
  /** The `DPoP` header's value. */
  proof: string
  method: string
  /** The absolute request URL as the client addressed it. */
  url: string
  /** The access token the proof must be bound to (`ath`). */
  accessToken: string
  /** The thumbprint of the key the access token is bound to (`cnf.jkt`). */
  jkt: string
}

/**
 * The JWK SHA-256 thumbprint (RFC 7638) of the proof's key (= `request.jkt`), once every check passed; throws
 * {@link InvalidDpopProofError}, {@link UseDpopNonceError}, or a 503 when the replay store fails.
 *
 * @example
 * ```ts
 * await verifyDpopProof({ proof, method: 'GET', url, accessToken, jkt: auth.confirmation.jkt }, policy, Date.now())
 * ```
 */
export async function verifyDpopProof(
  request: ProofRequest,
  policy: DpopPolicy,
  nowMs: number,
): Promise<string> {
  const { proof } = request
  const parts = proof.split('.')
  if (proof.length > MAX_PROOF_LENGTH || parts.length !== 3 || !parts.every(canonical)) {
    throw new InvalidDpopProofError('DPoP proof is not a compact JWS')
  }
  let verified: Awaited<ReturnType<typeof jwtVerify>>
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...policy.algorithms],
      currentDate: new Date(nowMs),
      clockTolerance: policy.clockTolerance,
    })
  } catch {
    // jose's messages name internals; the client gets one safe description
    throw new InvalidDpopProofError('DPoP proof is invalid (type, algorithm, key or signature)')
  }
  const { payload, protectedHeader } = verified
  const { jti, htm, htu, iat, ath } = payload as Record<string, unknown>
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw new InvalidDpopProofError('DPoP proof has no valid jti')
  }
  if (htm !== request.method) {
    throw new InvalidDpopProofError('DPoP proof is for another HTTP method (htm)')
  }
  const expected = normalizeHtu(request.url)
  if (typeof htu !== 'string' || expected === undefined || normalizeHtu(htu) !== expected) {
    throw new InvalidDpopProofError('DPoP proof is for another URL (htu)')
  }
  const now = nowMs / 1000
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new InvalidDpopProofError('DPoP proof has no valid iat')
  }
  if (iat > now + policy.clockTolerance) {
    throw new InvalidDpopProofError('DPoP proof is issued in the future (iat)')
  }
  if (iat < now - policy.maxAge - policy.clockTolerance) {
    throw new InvalidDpopProofError('DPoP proof is too old (iat)')
  }
  if (ath !== sha256Base64url(request.accessToken)) {
    throw new InvalidDpopProofError('DPoP proof is for another access token (ath)')
  }
  if (policy.nonces && !policy.nonces.accepts(payload.nonce, nowMs)) {
    throw new UseDpopNonceError(policy.nonces.current(nowMs))
  }
  const jkt = await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256')
  if (jkt !== request.jkt) {
    throw new InvalidDpopProofError(
      'DPoP proof is signed by another key than the token is bound to',
    )
  }
  // Kept until the proof could no longer pass the iat check anyway.
  const ttlMs = (iat + policy.maxAge + policy.clockTolerance) * 1000 - nowMs
  let fresh: boolean
  try {
    fresh = await policy.replayStore.claim(sha256Base64url(`${jkt}\0${jti}`), Math.max(1000, ttlMs))
  } catch {
    throw new AuthServerUnavailableError('The DPoP replay store is unavailable', 1)
  }
  if (!fresh) throw new InvalidDpopProofError('DPoP proof has been used before (jti)')
  return jkt
}
