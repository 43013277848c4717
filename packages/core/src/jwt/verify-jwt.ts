/**
 * Verifies a JWT access token against the trusted issuers. The order keeps every cheap,
 * local decision ahead of the network: parse → pick the issuer by exact `iss` → check the
 * header (algorithm allow-list, `typ`, key-bearing headers) → check the claims → only then
 * fetch keys (if needed) and verify the signature with jose.
 */
import { explained } from '../errors/explanation.js'
import type { JWSHeaderParameters } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import type { KeySource } from '../keys/key-source.js'
import type { IssuerSettings } from './issuer-settings.js'
import { checkClaims, RFC9068_REQUIRED_CLAIMS } from './check-claims.js'
import { checkHeader, type TypPolicy } from './check-header.js'
import { peekJwt, type PeekedJwt } from './peek-jwt.js'
import { signatureValid, signatureValidNow } from './verify-signature.js'

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
 * A token whose every local check has passed (parsed, issuer picked by exact `iss`, header and
 * claims checked): what is left is the signature.
 *
 * @example
 * ```ts
 * const checked = checkJwt(token, issuers, policy, Date.now() / 1000)
 * ```
 */
export interface CheckedJwt {
  token: string
  jws: PeekedJwt
  trusted: TrustedIssuer
  alg: string
  /** The key set's generation before the keys were asked for (see {@link VerifiedJwt}). */
  generation: number
}

/**
 * Every check of `token` that needs no key, in the order that keeps cheap local decisions
 * first; throws {@link InvalidTokenError} when one fails.
 *
 * @example
 * ```ts
 * const checked = checkJwt(token, issuers, policy, Date.now() / 1000)
 * const verified = verifyCheckedNow(checked) ?? (await verifyChecked(checked))
 * ```
 */
export function checkJwt(
  token: string,
  issuers: ReadonlyMap<string, TrustedIssuer>,
  policy: JwtPolicy,
  now: number,
): CheckedJwt {
  const jws = peekJwt(token)
  const { header, claims } = jws
  const iss = claims.iss
  const trusted = typeof iss === 'string' ? issuers.get(iss) : undefined
  if (!trusted) {
    throw explained(new InvalidTokenError('Token issuer is not trusted'), () => ({
      check: 'issuer',
      expected: [...issuers.keys()],
      actual: iss,
    }))
  }
  const tenant = trusted.config.tenant
  if (tenant !== undefined && claims.tid !== tenant) {
    throw explained(new InvalidTokenError('Token tenant (tid) does not match its issuer'), () => ({
      check: 'tid',
      expected: tenant,
      actual: claims.tid,
    }))
  }
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
  return { token, jws, trusted, alg, generation: trusted.keys.generation }
}

/**
 * The signature check of a checked token without waiting, when its keys are at hand and
 * node:crypto can tell: the verified token, or a throw for a bad signature; undefined when
 * only {@link verifyChecked} can decide (keys to fetch or import, an HMAC secret, a runtime
 * without a proven node:crypto).
 *
 * @example
 * ```ts
 * const verified = verifyCheckedNow(checked)
 * ```
 */
export function verifyCheckedNow(checked: CheckedJwt): VerifiedJwt | undefined {
  const { jws, trusted, alg } = checked
  const candidates = trusted.keys.keysForNow(jws.header as JWSHeaderParameters)
  if (!candidates) return undefined
  for (const key of candidates) {
    const valid = signatureValidNow(jws, alg, key)
    if (valid === undefined) return undefined
    if (valid) return verified(checked)
  }
  throw badSignature(checked, candidates.length)
}

/**
 * The signature check of a checked token: fetches and imports keys when needed.
 *
 * @example
 * ```ts
 * const { issuer, claims } = await verifyChecked(checkJwt(token, issuers, policy, now))
 * ```
 */
export async function verifyChecked(checked: CheckedJwt): Promise<VerifiedJwt> {
  const { token, jws, trusted, alg } = checked
  const candidates = await trusted.keys.keysFor(jws.header as JWSHeaderParameters)
  for (const key of candidates) {
    if (await signatureValid(token, jws, alg, key)) return verified(checked)
  }
  throw badSignature(checked, candidates.length)
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
  const checked = checkJwt(token, issuers, policy, now)
  return verifyCheckedNow(checked) ?? verifyChecked(checked)
}

function verified({ trusted, jws, generation }: CheckedJwt): VerifiedJwt {
  return { issuer: trusted.config.issuer, claims: jws.claims, generation }
}

function badSignature(checked: CheckedJwt, keys: number): InvalidTokenError {
  const { header } = checked.jws
  return explained(new InvalidTokenError('Token signature is invalid'), () => ({
    check: 'signature',
    expected: `a valid ${checked.alg} signature by one of ${keys} key(s) of ${checked.trusted.config.issuer}`,
    actual: `kid ${JSON.stringify(header.kid)}: no key verified it`,
  }))
}
