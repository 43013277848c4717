/**
 * Verifies a JWT access token against the trusted issuers. The order keeps every cheap,
 * local decision ahead of the network: parse → pick the issuer by exact `iss` → check the
 * header (algorithm allow-list, `typ`, key-bearing headers) → check the claims → only then
 * fetch keys (if needed) and verify the signature with jose.
 */
import type { JWSHeaderParameters } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import type { KeySource } from '../keys/key-source.js'
import type { IssuerSettings } from './issuer-settings.js'
import { checkClaims, RFC9068_REQUIRED_CLAIMS } from './check-claims.js'
import { checkHeader, type TypPolicy } from './check-header.js'
import { peekJwt } from './peek-jwt.js'
import { signatureValid } from './verify-signature.js'

/** A trusted issuer with its key source. */
export interface TrustedIssuer {
  config: IssuerSettings
  keys: KeySource
}

export interface JwtPolicy {
  typ: TypPolicy
  clockTolerance: number
  maxTokenAge: number | undefined
  requiredClaims: readonly string[]
}

/** A verified JWT: its issuer, claims, and the generation of the key set it was checked against. */
export interface VerifiedJwt {
  issuer: string
  claims: Record<string, unknown>
  generation: number
}

/**
 * Verifies `token`; throws {@link InvalidTokenError} when it is not valid, and
 * `AuthServerUnavailableError` when the keys cannot be had.
 *
 * @example
 * ```ts
 * const { issuer, claims } = await verifyJwt(token, issuers, policy, Date.now() / 1000)
 * ```
 */
export async function verifyJwt(
  token: string,
  issuers: ReadonlyMap<string, TrustedIssuer>,
  policy: JwtPolicy,
  now: number,
): Promise<VerifiedJwt> {
  const { header, claims } = peekJwt(token)
  const iss = claims.iss
  const trusted = typeof iss === 'string' ? issuers.get(iss) : undefined
  if (!trusted) throw new InvalidTokenError('Token issuer is not trusted')
  const alg = checkHeader(header, trusted.config.algorithms, policy.typ)
  const required =
    policy.typ === 'strict'
      ? [...new Set([...policy.requiredClaims, ...RFC9068_REQUIRED_CLAIMS])]
      : policy.requiredClaims
  checkClaims(
    claims,
    {
      audiences: trusted.config.audiences,
      clockTolerance: policy.clockTolerance,
      maxTokenAge: policy.maxTokenAge,
      requiredClaims: required,
    },
    now,
  )
  // read before the keys: a rotation while verifying can then only make a cached result stale
  const generation = trusted.keys.generation
  const candidates = await trusted.keys.keysFor(header as JWSHeaderParameters)
  for (const key of candidates) {
    if (await signatureValid(token, alg, key)) {
      return { issuer: trusted.config.issuer, claims, generation }
    }
  }
  throw new InvalidTokenError('Token signature is invalid')
}
