/**
 * Claims shaped like an Auth0 access token for a custom API, for `issuer.token()`.
 */
import { nonEmptyString, optionalString, spaceDelimited, stringList } from './preset-values.js'

const PRESET = 'auth0Claims'

/**
 * Options of {@link auth0Claims}. Every one is optional.
 *
 * @example
 * ```ts
 * const user: Auth0ClaimsOptions = {
 *   scope: 'openid read:orders',
 *   permissions: ['read:orders', 'write:orders'],
 *   roles: { claim: 'https://example.com/roles', roles: ['admin'] },
 * }
 * const machine: Auth0ClaimsOptions = { machine: true, scope: 'read:orders', azp: 'm2m-client' }
 * ```
 */
export interface Auth0ClaimsOptions {
  /**
   * `permissions`: what RBAC grants the user (or, for `machine`, the client), an array. Auth0
   * adds it when the API has RBAC and "Add Permissions in the Access Token" on. None by default.
   */
  permissions?: readonly string[]
  /** `scope`: a space-delimited string, or a list joined with spaces. None by default. */
  scope?: string | readonly string[]
  /**
   * Roles in a custom claim, which an Auth0 Action adds: `claim` is its full name, e.g.
   * `'https://example.com/roles'` (the namespace and the name), `roles` its array.
   */
  roles?: { readonly claim: string; readonly roles: readonly string[] }
  /** `azp`: the application's client id; default `'test-client'`. */
  azp?: string
  /**
   * A machine-to-machine token (client credentials): `gty: 'client-credentials'` and
   * `sub: '{azp}@clients'`. Default false: a user's token, `sub` `'auth0|alice'`.
   */
  machine?: boolean
  /** `sub`; default `'auth0|alice'`, or `'{azp}@clients'` with `machine`. */
  sub?: string
}

/**
 * Claims shaped like the payload of an Auth0 access token for a custom API, to pass to
 * `issuer.token()`: `sub`, `azp`, and, when given, `scope` (a space-delimited string),
 * `permissions` (an array) and a custom roles claim; with `machine: true`,
 * `gty: 'client-credentials'` and `sub` `'{azp}@clients'`. `client_id` is set to `undefined`,
 * so `issuer.token()` drops its default `client_id` (Auth0 puts the client in `azp`).
 *
 * `iss`, `aud`, `iat` and `exp` are left to the issuer. Auth0's issuer ends with a slash
 * (`https://{tenant}.auth0.com/`), which the test issuer's URL never does; a user token asked
 * with `openid` has `aud` = `[api, 'https://{tenant}.auth0.com/userinfo']`. Auth0 signs with
 * `typ: 'JWT'` in the header (`at+jwt` with the RFC 9068 profile); pass
 * `{ header: { typ: 'JWT' } }` to `token()` to do the same. A pure function: the same options
 * give the same claims.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ audience: 'https://orders.example.com' })
 * const user = await issuer.token(
 *   auth0Claims({ scope: 'openid read:orders', permissions: ['read:orders'] }),
 *   { header: { typ: 'JWT' } },
 * )
 * // payload: { sub: 'auth0|alice', azp: 'test-client', scope: 'openid read:orders',
 * //   permissions: ['read:orders'], iss, aud: 'https://orders.example.com', iat, exp, jti }
 * const machine = await issuer.token(auth0Claims({ machine: true, scope: 'read:orders' }))
 * // payload: { sub: 'test-client@clients', azp: 'test-client', gty: 'client-credentials', scope: 'read:orders', … }
 * ```
 */
export function auth0Claims(options: Auth0ClaimsOptions = {}): Record<string, unknown> {
  const machine = options.machine ?? false
  if (typeof machine !== 'boolean') throw new TypeError(`${PRESET}(): machine must be a boolean`)
  const azp = optionalString(PRESET, 'azp', options.azp, 'test-client')
  const claims: Record<string, unknown> = {
    sub: optionalString(PRESET, 'sub', options.sub, machine ? `${azp}@clients` : 'auth0|alice'),
    azp,
    client_id: undefined,
  }
  if (machine) claims.gty = 'client-credentials'
  if (options.scope !== undefined) claims.scope = spaceDelimited(PRESET, 'scope', options.scope)
  if (options.permissions !== undefined) {
    claims.permissions = stringList(PRESET, 'permissions', options.permissions)
  }
  if (options.roles !== undefined) {
    if (typeof options.roles !== 'object' || options.roles === null) {
      throw new TypeError(`${PRESET}(): roles must be { claim, roles }`)
    }
    const { claim, roles } = options.roles
    const name = nonEmptyString(PRESET, 'roles.claim', claim)
    // Object.defineProperty: a claim named __proto__ is a claim, not a prototype
    Object.defineProperty(claims, name, {
      value: stringList(PRESET, 'roles.roles', roles),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return claims
}
