/**
 * Sender-constrained tokens: what a verified token's confirmation (`cnf`) demands of the
 * request that presents it. A DPoP-bound token (`cnf.jkt`, or an introspection `token_type` of
 * `DPoP`) needs the DPoP scheme and a valid proof by that key (RFC 9449 §7); a
 * certificate-bound token (`cnf["x5t#S256"]`) needs that client certificate (RFC 8705 §3).
 */
import { InvalidDpopProofError, InvalidTokenError } from '../errors/auth-error.js'
import type { AuthInfoBase } from '../identity/build-auth-info.js'
import { base64Decode } from '../platform/base64.js'
import { sha256Base64url } from '../platform/sha256.js'
import { headerValues, type RequestLike } from '../request/request-like.js'
import type { DpopSettings } from './dpop-settings.js'
import { verifyDpopProof } from './verify-proof.js'

/** Whether `auth` may only be used with a DPoP proof. */
export function isDpopBound(auth: AuthInfoBase): boolean {
  if (auth.confirmation?.jkt !== undefined) return true
  const type = auth.claims.token_type
  return auth.format === 'opaque' && typeof type === 'string' && type.toLowerCase() === 'dpop'
}

/**
 * For a token sent with the Bearer scheme: refused when the token is DPoP-bound (RFC 9449
 * §7.2: such a token is not a bearer token) or DPoP is required (`auth` may then be undefined:
 * the token need not be verified to be refused).
 *
 * @example
 * ```ts
 * checkBearerUse(base, dpop.mode)
 * ```
 */
export function checkBearerUse(auth: AuthInfoBase | undefined, mode: DpopSettings['mode']): void {
  if (auth && isDpopBound(auth)) {
    throw new InvalidTokenError('DPoP-bound token must be sent with the DPoP scheme and a proof')
  }
  if (mode === 'required') {
    throw new InvalidTokenError('DPoP is required: send the token with the DPoP scheme and a proof')
  }
}

/**
 * For a token sent with the DPoP scheme: exactly one valid proof, by the key the token is
 * bound to.
 *
 * @example
 * ```ts
 * await checkDpopUse(base, request, token, dpop, Date.now())
 * ```
 */
export async function checkDpopUse(
  auth: AuthInfoBase,
  request: RequestLike,
  token: string,
  dpop: DpopSettings,
  nowMs: number,
): Promise<void> {
  const bound = auth.confirmation?.jkt
  if (bound === undefined) {
    throw new InvalidTokenError('Token is not DPoP-bound: send it with the Bearer scheme')
  }
  const proofs = headerValues(request, 'dpop')
  if (proofs.length === 0) throw new InvalidDpopProofError('DPoP proof is missing')
  // Node joins a repeated unknown header with ", "; a compact JWS never holds a comma.
  if (proofs.length > 1 || (proofs[0] as string).includes(',')) {
    throw new InvalidDpopProofError('Exactly one DPoP proof is allowed')
  }
  await verifyDpopProof(
    {
      proof: (proofs[0] as string).trim(),
      method: request.method,
      url: request.url,
      accessToken: token,
      jkt: bound,
    },
    dpop,
    nowMs,
  )
}

/** RFC 9440 §2: `Client-Cert` is an sf-binary: the DER certificate in base64 between colons. */
const SF_BINARY = /^:([A-Za-z0-9+/]*={0,2}):$/

/**
 * For a certificate-bound token: the request's client certificate must be the one in
 * `cnf["x5t#S256"]` (SHA-256 of its DER, base64url).
 *
 * @example
 * ```ts
 * checkCertificateBinding(base, request, 'client-cert')
 * ```
 */
export function checkCertificateBinding(
  auth: AuthInfoBase,
  request: RequestLike,
  certificateHeader: string | undefined,
): void {
  const expected = auth.confirmation?.['x5t#S256']
  if (expected === undefined) return
  const der = certificateHeader
    ? certificateFromHeader(request, certificateHeader)
    : request.clientCertificate?.()
  if (!der || der.byteLength === 0) {
    throw new InvalidTokenError('Token is bound to a client certificate, and none was presented')
  }
  if (sha256Base64url(der) !== expected) {
    throw new InvalidTokenError('Token is bound to another client certificate')
  }
}

function certificateFromHeader(request: RequestLike, name: string): Uint8Array | undefined {
  const values = headerValues(request, name)
  if (values.length !== 1) return undefined
  const match = SF_BINARY.exec((values[0] as string).trim())
  return match ? base64Decode(match[1] as string) : undefined
}
