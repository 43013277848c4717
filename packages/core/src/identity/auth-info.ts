/** The caller's identity, as attached to the request by every adapter. */
import type { BearerMethod } from '../extract/extract-token.js'

/**
 * A verified caller.
 *
 * @example
 * ```ts
 * app.get('/me', (req, res) => res.json({ user: req.auth?.subject, scopes: req.auth?.scopes }))
 * ```
 */
export interface AuthInfo<Claims = Record<string, unknown>> {
  /** The access token itself. The only place the guard ever hands it out. */
  token: string
  /** The authorization scheme it came with. */
  scheme: 'Bearer' | 'DPoP'
  /** How it was verified: locally as a JWT, or by introspection. */
  format: 'jwt' | 'opaque'
  /** Where in the request it was found (RFC 6750 §2). */
  tokenSource: BearerMethod
  /** The trusted issuer that issued it. */
  issuer: string
  /** `sub`. */
  subject?: string
  /** `client_id`, or `azp`. */
  clientId?: string
  /** `aud`, always an array. */
  audience: string[]
  /** Granted scopes. */
  scopes: string[]
  /**
   * Roles, from every claim `roleClaims` names (default `roles`), united; `[]` when none.
   * Keycloak's `realm_access.roles`, Entra ID's `roles`, Auth0's `permissions`, Okta's `groups`.
   */
  roles: string[]
  /** `exp`, seconds since the epoch. */
  expiresAt?: number
  /** The verified JWT payload, or the introspection response. */
  claims: Claims
  /** `cnf`: the key or certificate the token is bound to. */
  confirmation?: { jkt?: string; 'x5t#S256'?: string }
}
