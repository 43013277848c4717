/**
 * Claims shaped like a Microsoft Entra ID (v2.0) access token, for `issuer.token()`.
 */
import { nonEmptyString, optionalString, spaceDelimited, stringList } from './preset-values.js'

const PRESET = 'entraClaims'

/**
 * Options of {@link entraClaims}. `issuer` and `tenantId` are required.
 *
 * @example
 * ```ts
 * const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47'
 * const appOnly: EntraClaimsOptions = { issuer: issuer.tenantUrl(tid), tenantId: tid, roles: ['Orders.Read.All'] }
 * const delegated: EntraClaimsOptions = { issuer: issuer.tenantUrl(tid), tenantId: tid, scp: 'Orders.Read' }
 * ```
 */
export interface EntraClaimsOptions {
  /** `iss`: the tenant's issuer, `https://login.microsoftonline.com/{tid}/v2.0` in Entra; in tests `issuer.tenantUrl(tid)`. */
  issuer: string
  /** `tid`: the tenant's id (a GUID in Entra). */
  tenantId: string
  /** `roles`: app roles. App-only tokens carry them; delegated ones when the user was assigned some. */
  roles?: readonly string[]
  /** `scp`: delegated permissions, a space-delimited string or a list joined with spaces. Only delegated (user) tokens have it. */
  scp?: string | readonly string[]
  /** `azp`: the application (client) id of the app that called; default `'test-client'`. */
  azp?: string
  /**
   * `aud`: the API's application (client) id, which v2.0 tokens carry; default: the test
   * issuer's `audience` option.
   */
  audience?: string
  /** `oid`: the object id of the user, or of the calling app's service principal; default `'00000000-0000-0000-0000-00000000a11c'`. */
  oid?: string
  /** `sub`; default: `oid` (as in app-only tokens; in delegated ones Entra's `sub` is a pairwise id, give one if your code reads it). */
  sub?: string
  /** `preferred_username` (delegated tokens), e.g. `'alice@contoso.com'`; none by default. */
  username?: string
}

/**
 * Claims shaped like the payload of a Microsoft Entra ID v2.0 access token, to pass to
 * `issuer.token()`: `iss` (the given tenant issuer), `tid`, `ver: '2.0'`, `azp`, `oid`, `sub`,
 * and, when given, `roles` (an array), `scp` (a space-delimited string), `aud` and
 * `preferred_username`. `client_id` is set to `undefined`, so `issuer.token()` drops its
 * default `client_id` (Entra puts the caller in `azp`).
 *
 * An app-only token (client credentials) has `roles` and no `scp`; a delegated token has `scp`.
 * Entra signs with `typ: 'JWT'` in the header; pass `{ header: { typ: 'JWT' } }` to `token()` to
 * do the same. Opaque claims (`aio`, `rh`, `uti`) and optional ones (`idtyp`, `azpacr`) are not
 * set. A pure function: the same options give the same claims.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ tenants: true })
 * const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47'
 * const jwt = await issuer.token(
 *   entraClaims({ issuer: issuer.tenantUrl(tid), tenantId: tid, roles: ['Orders.Read.All'], audience: API_CLIENT_ID }),
 *   { header: { typ: 'JWT' } },
 * )
 * // payload: { iss: `${issuer.origin}/${tid}/v2.0`, tid, ver: '2.0', azp: 'test-client',
 * //   oid: '00000000-…a11c', sub: '00000000-…a11c', roles: ['Orders.Read.All'], aud: API_CLIENT_ID, iat, exp, jti }
 * ```
 */
export function entraClaims(options: EntraClaimsOptions): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${PRESET}() needs { issuer, tenantId }`)
  }
  const oid = optionalString(PRESET, 'oid', options.oid, '00000000-0000-0000-0000-00000000a11c')
  const claims: Record<string, unknown> = {
    iss: nonEmptyString(PRESET, 'issuer', options.issuer),
    tid: nonEmptyString(PRESET, 'tenantId', options.tenantId),
    ver: '2.0',
    azp: optionalString(PRESET, 'azp', options.azp, 'test-client'),
    oid,
    sub: optionalString(PRESET, 'sub', options.sub, oid),
    client_id: undefined,
  }
  if (options.roles !== undefined) claims.roles = stringList(PRESET, 'roles', options.roles)
  if (options.scp !== undefined) claims.scp = spaceDelimited(PRESET, 'scp', options.scp)
  if (options.audience !== undefined) {
    claims.aud = nonEmptyString(PRESET, 'audience', options.audience)
  }
  if (options.username !== undefined) {
    claims.preferred_username = nonEmptyString(PRESET, 'username', options.username)
  }
  return claims
}
