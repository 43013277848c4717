/** Builds {@link AuthInfo} from verified claims. */
import type { BearerMethod } from '../extract/extract-token.js'
import { audienceOf } from '../jwt/check-claims.js'
import { scopesOf } from '../scopes/scopes-of.js'
import type { AuthInfo } from './auth-info.js'

export interface AuthInfoInput {
  token: string
  format: 'jwt' | 'opaque'
  tokenSource: BearerMethod
  issuer: string
  claims: Record<string, unknown>
  scopeClaims: readonly string[]
}

/**
 * @example
 * ```ts
 * const auth = buildAuthInfo({ token, format: 'jwt', tokenSource: 'header', issuer, claims, scopeClaims: ['scope', 'scp'] })
 * ```
 */
export function buildAuthInfo(input: AuthInfoInput): AuthInfo {
  const { claims } = input
  const auth: AuthInfo = {
    token: input.token,
    scheme: 'Bearer',
    format: input.format,
    tokenSource: input.tokenSource,
    issuer: input.issuer,
    audience: audienceOf(claims),
    scopes: scopesOf(claims, input.scopeClaims),
    claims,
  }
  if (typeof claims.sub === 'string') auth.subject = claims.sub
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : claims.azp
  if (typeof clientId === 'string') auth.clientId = clientId
  if (typeof claims.exp === 'number') auth.expiresAt = claims.exp
  const confirmation = confirmationOf(claims.cnf)
  if (confirmation) auth.confirmation = confirmation
  return auth
}

function confirmationOf(cnf: unknown): AuthInfo['confirmation'] {
  if (typeof cnf !== 'object' || cnf === null) return undefined
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>
  const out: NonNullable<AuthInfo['confirmation']> = {}
  if (typeof jkt === 'string') out.jkt = jkt
  if (typeof x5t === 'string') out['x5t#S256'] = x5t
  return Object.keys(out).length > 0 ? out : undefined
}
