/** Builds {@link AuthInfo} from verified claims. */
import { audienceOf } from '../claims/audience.js'
import type { ClaimPath } from '../claims/claim-path.js'
import { rolesOf } from '../roles/roles-of.js'
import { scopesOf } from '../scopes/scopes-of.js'
import type { AuthInfo } from './auth-info.js'

export interface AuthInfoInput {
  token: string
  format: 'jwt' | 'opaque'
  issuer: string
  claims: Record<string, unknown>
  scopeClaims: readonly ClaimPath[]
  roleClaims: readonly ClaimPath[]
}

/**
 * An {@link AuthInfo} without the per-request `tokenSource`: what the caches can share. Its
 * `scheme` is `Bearer`; a DPoP request's AuthInfo overrides it.
 */
export type AuthInfoBase = Omit<AuthInfo, 'tokenSource'>

/**
 * Builds the identity of a verified token, deeply frozen: it may be shared by every request
 * that presents the same token, so no request can change what another one sees.
 *
 * @example
 * ```ts
 * const base = buildAuthInfo({ token, format: 'jwt', issuer, claims, scopeClaims: ['scope', 'scp'], roleClaims: ['roles'] })
 * const auth: AuthInfo = { ...base, tokenSource: 'header' }
 * ```
 */
export function buildAuthInfo(input: AuthInfoInput): AuthInfoBase {
  const { claims } = input
  const auth: AuthInfoBase = {
    token: input.token,
    scheme: 'Bearer',
    format: input.format,
    issuer: input.issuer,
    audience: audienceOf(claims),
    scopes: scopesOf(claims, input.scopeClaims),
    roles: rolesOf(claims, input.roleClaims),
    claims,
  }
  if (typeof claims.sub === 'string') auth.subject = claims.sub
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : claims.azp
  if (typeof clientId === 'string') auth.clientId = clientId
  if (typeof claims.exp === 'number') auth.expiresAt = claims.exp
  const confirmation = confirmationOf(claims.cnf)
  if (confirmation) auth.confirmation = confirmation
  return deepFreeze(auth)
}

/** Freezes a JSON-like value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i])
  } else {
    // claims come from JSON.parse: own enumerable keys only, no allocation per object
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

function confirmationOf(cnf: unknown): AuthInfo['confirmation'] {
  if (typeof cnf !== 'object' || cnf === null) return undefined
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>
  const out: NonNullable<AuthInfo['confirmation']> = {}
  if (typeof jkt === 'string') out.jkt = jkt
  if (typeof x5t === 'string') out['x5t#S256'] = x5t
  return Object.keys(out).length > 0 ? out : undefined
}
