/**
 * Role, claim and predicate requirements of the harness's /api/roles, /api/tenant and
 * /api/checked (shared by every adapter; the gateway has no predicates).
 */
import type { AuthInfo } from '@bearerguard/core'

/** The role /api/roles requires. */
export const ROLE = 'admin'
/** The claim values /api/tenant requires. */
export const TENANT_CLAIMS = { tenant: 'acme' }

/** /api/checked: `email_verified` must be true; a token with `boom: true` makes it throw (a bug). */
export function emailVerified(auth: AuthInfo): boolean {
  if (auth.claims.boom === true) throw new Error('a bug in the predicate')
  return auth.claims.email_verified === true
}
