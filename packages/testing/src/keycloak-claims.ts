/**
 * Claims shaped like a Keycloak access token, for `issuer.token()`.
 */
import { optionalString, spaceDelimited, stringList } from './preset-values.js'

const PRESET = 'keycloakClaims'

/**
 * Options of {@link keycloakClaims}. Every one is optional.
 *
 * @example
 * ```ts
 * const options: KeycloakClaimsOptions = {
 *   realmRoles: ['admin'],
 *   clientRoles: { 'orders-api': ['approver'] },
 *   scope: 'openid profile email',
 *   azp: 'orders-web',
 *   username: 'alice',
 * }
 * ```
 */
export interface KeycloakClaimsOptions {
  /** Realm roles: `realm_access.roles`. When not given, the token has no `realm_access`. */
  realmRoles?: readonly string[]
  /**
   * Client roles, by client id: `resource_access[clientId].roles`. When not given, the token
   * has no `resource_access`.
   */
  clientRoles?: Readonly<Record<string, readonly string[]>>
  /** `scope`: a space-delimited string, or a list joined with spaces; default `'openid profile email'`. */
  scope?: string | readonly string[]
  /** `azp`, the client the token was issued to; default `'test-client'`. */
  azp?: string
  /** `preferred_username`; default `'alice'`. */
  username?: string
  /** `sub`, the user's id; default `'8c1f3a52-7d4e-4b7a-9e2f-0c5d7b8a1e34'`. */
  sub?: string
}

/**
 * Claims shaped like the payload of a Keycloak access token, to pass to `issuer.token()`:
 * `sub`, `typ: 'Bearer'` (a claim of Keycloak's, not the JOSE header), `azp`,
 * `preferred_username`, `scope` (a space-delimited string), and `realm_access.roles` /
 * `resource_access[client].roles` for the roles given. `client_id` is set to `undefined`, so
 * `issuer.token()` drops its default `client_id` (Keycloak puts the client in `azp`).
 *
 * `iss`, `aud`, `iat`, `exp` and `jti` are left to the issuer: give Keycloak's issuer form
 * with `createTestIssuer({ path: '/realms/acme' })`. Keycloak signs with `typ: 'JWT'` in the
 * header; pass `{ header: { typ: 'JWT' } }` to `token()` to do the same. A pure function: the
 * same options give the same claims.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ path: '/realms/acme', audience: 'orders-api' })
 * const jwt = await issuer.token(
 *   keycloakClaims({ realmRoles: ['admin'], clientRoles: { 'orders-api': ['approver'] } }),
 *   { header: { typ: 'JWT' } },
 * )
 * // payload: { sub: '8c1f3a52-…', typ: 'Bearer', azp: 'test-client', preferred_username: 'alice',
 * //   scope: 'openid profile email', realm_access: { roles: ['admin'] },
 * //   resource_access: { 'orders-api': { roles: ['approver'] } }, iss, aud: 'orders-api', iat, exp, jti }
 * ```
 */
export function keycloakClaims(options: KeycloakClaimsOptions = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: optionalString(PRESET, 'sub', options.sub, '8c1f3a52-7d4e-4b7a-9e2f-0c5d7b8a1e34'),
    typ: 'Bearer',
    azp: optionalString(PRESET, 'azp', options.azp, 'test-client'),
    preferred_username: optionalString(PRESET, 'username', options.username, 'alice'),
    scope:
      options.scope === undefined
        ? 'openid profile email'
        : spaceDelimited(PRESET, 'scope', options.scope),
    client_id: undefined,
  }
  if (options.realmRoles !== undefined) {
    claims.realm_access = { roles: stringList(PRESET, 'realmRoles', options.realmRoles) }
  }
  if (options.clientRoles !== undefined) {
    const clientRoles: unknown = options.clientRoles
    if (typeof clientRoles !== 'object' || clientRoles === null || Array.isArray(clientRoles)) {
      throw new TypeError(`${PRESET}(): clientRoles must be an object of client id → roles`)
    }
    // fromEntries defines each client as an own property, even one named __proto__
    claims.resource_access = Object.fromEntries(
      Object.entries(clientRoles).map(([client, roles]) => [
        client,
        { roles: stringList(PRESET, `clientRoles["${client}"]`, roles) },
      ]),
    )
  }
  return claims
}
