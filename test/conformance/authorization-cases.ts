/**
 * The rows of the conformance table for authorization beyond scopes. Roles read from the
 * claims `roleClaims` names (top-level names taken literally, paths into nested objects),
 * claim values, and predicates, on the harness routes GET /api/roles (role `admin`),
 * GET /api/tenant (claim `tenant` = `acme`) and GET /api/checked (a predicate: `email_verified`
 * true; it throws when the token has `boom: true`). A failed role, claim or predicate
 * requirement is 403 insufficient_scope without `scope=` (no scope would help); a predicate
 * that throws is a bug of the app: 500, never a 401 or 403. Then multi-tenant issuers (a
 * `{tenantid}` template, an allow-list, `tid` matched) and the `isRevoked` hook (a failing
 * hook is 503, never a pass).
 */
import type { CaseContext, ConformanceCase } from './cases.js'

const GROUP = 'Roles, claims and predicates'
const NO_SCOPE_HELPS = { status: 403, error: 'insufficient_scope', scope: null } as const
const bearer = (token: string) => `Bearer ${token}`
const token = (ctx: CaseContext, claims: Record<string, unknown>) =>
  ctx.issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })
const at = (path: string, claims: Record<string, unknown>) => async (ctx: CaseContext) => ({
  path,
  authorization: bearer(await token(ctx, claims)),
})

const KEYCLOAK = { roleClaims: [['realm_access', 'roles']] as Array<string | string[]> }
const NAMESPACED = { roleClaims: ['https://example.com/roles'] as Array<string | string[]> }

export const ROLE_AND_CLAIM_CASES: ConformanceCase[] = [
  {
    group: GROUP,
    title: 'roles: the required role in `roles` (the default claim), an array',
    ref: 'API.md roles',
    request: at('/api/roles', { roles: ['viewer', 'admin'] }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'roles: a space-delimited string',
    ref: 'API.md roles',
    request: at('/api/roles', { roles: 'viewer admin' }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'roles: without the role (a scope of the same name does not count)',
    ref: 'API.md roles',
    request: at('/api/roles', { roles: ['viewer'], scope: 'orders:read admin' }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'roles: no token',
    ref: 'RFC 6750 §3.1',
    request: async () => ({ path: '/api/roles' }),
    expect: { status: 401, bare: true },
  },
  {
    group: GROUP,
    title: 'roles claim of the wrong type: an object',
    ref: 'API.md roles',
    request: at('/api/roles', { roles: { admin: true } }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'roles claim of the wrong type: an array of non-strings',
    ref: 'API.md roles',
    request: at('/api/roles', { roles: [['admin'], { admin: 1 }, 1, true, null] }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a nested path (Keycloak `realm_access.roles`)',
    ref: 'API.md roleClaims',
    guard: KEYCLOAK,
    request: at('/api/roles', { realm_access: { roles: ['admin'] } }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'a path through a non-object: a string',
    ref: 'API.md roleClaims',
    guard: KEYCLOAK,
    request: at('/api/roles', { realm_access: 'admin' }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a path through a non-object: an array',
    ref: 'API.md roleClaims',
    guard: KEYCLOAK,
    request: at('/api/roles', { realm_access: [{ roles: ['admin'] }] }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a path is not a dotted name: a top-level `realm_access.roles` claim is not read',
    ref: 'API.md roleClaims',
    guard: KEYCLOAK,
    request: at('/api/roles', { 'realm_access.roles': ['admin'] }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a namespaced claim name is taken literally',
    ref: 'API.md roleClaims',
    guard: NAMESPACED,
    request: at('/api/roles', { 'https://example.com/roles': ['admin'] }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'claims: the required value',
    ref: 'API.md claims',
    request: at('/api/tenant', { tenant: 'acme' }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'claims: another value',
    ref: 'API.md claims',
    request: at('/api/tenant', { tenant: 'umbrella' }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'claims: the claim missing',
    ref: 'API.md claims',
    request: at('/api/tenant', {}),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'claims: the value inside an array is not equal to it',
    ref: 'API.md claims',
    request: at('/api/tenant', { tenant: ['acme'] }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'claims: a different case is a different value',
    ref: 'API.md claims',
    request: at('/api/tenant', { tenant: 'ACME' }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a predicate that holds',
    ref: 'API.md predicates',
    notOn: { adapters: ['gateway'], why: 'gateway rules are configuration: no predicates' },
    request: at('/api/checked', { email_verified: true }),
    expect: { status: 200 },
  },
  {
    group: GROUP,
    title: 'a predicate that does not hold',
    ref: 'API.md predicates',
    notOn: { adapters: ['gateway'], why: 'gateway rules are configuration: no predicates' },
    request: at('/api/checked', { email_verified: 'true' }),
    expect: NO_SCOPE_HELPS,
  },
  {
    group: GROUP,
    title: 'a predicate that throws: a bug of the app, never a 401 or 403',
    ref: 'API.md predicates',
    notOn: { adapters: ['gateway'], why: 'gateway rules are configuration: no predicates' },
    request: at('/api/checked', { email_verified: true, boom: true }),
    expect: { status: 500 },
  },
]

const TENANTS_GROUP = 'Multi-tenant issuers'
const TENANT_A = '11111111-aaaa-4aaa-8aaa-111111111111'
const TENANT_B = '22222222-bbbb-4bbb-8bbb-222222222222'
const TENANT_C = '33333333-cccc-4ccc-8ccc-333333333333'
const INVALID_TOKEN = { status: 401, error: 'invalid_token' } as const
/** The case issuer as a `{tenantid}` template (its one JWKS for every tenant), A and B allowed. */
const tenantGuard = (ctx: CaseContext) => ({
  issuer: {
    issuer: `${ctx.issuer.origin}/{tenantid}/v2.0`,
    jwksUri: ctx.issuer.jwksUri,
    tenants: [TENANT_A, TENANT_B],
  },
})
/** A token for /api/orders naming tenant `iss` in its issuer and `tid` in its claim. */
const tenantToken = (iss: string, tid: string | undefined) => async (ctx: CaseContext) => ({
  path: '/api/orders',
  authorization: bearer(await token(ctx, { iss: `${ctx.issuer.origin}/${iss}/v2.0`, tid })),
})

export const TENANT_CASES: ConformanceCase[] = [
  {
    group: TENANTS_GROUP,
    title: 'an allowed tenant whose tid matches its issuer',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_A, TENANT_A),
    expect: { status: 200 },
  },
  {
    group: TENANTS_GROUP,
    title: 'the other allowed tenant',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_B, TENANT_B),
    expect: { status: 200 },
  },
  {
    group: TENANTS_GROUP,
    title: 'a tenant not allowed (signed with the same keys)',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_C, TENANT_C),
    expect: INVALID_TOKEN,
  },
  {
    group: TENANTS_GROUP,
    title: 'a spoofed tid: the issuer of an allowed tenant, the tid of another',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_A, TENANT_C),
    expect: INVALID_TOKEN,
  },
  {
    group: TENANTS_GROUP,
    title: 'the issuer of one allowed tenant, the tid of the other',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_A, TENANT_B),
    expect: INVALID_TOKEN,
  },
  {
    group: TENANTS_GROUP,
    title: 'no tid',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(TENANT_A, undefined),
    expect: INVALID_TOKEN,
  },
  {
    group: TENANTS_GROUP,
    title: 'a tenant segment that is two segments',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken(`x/${TENANT_A}`, TENANT_A),
    expect: INVALID_TOKEN,
  },
  {
    group: TENANTS_GROUP,
    title: 'the template itself as the issuer',
    ref: 'API.md tenants',
    guardFor: tenantGuard,
    request: tenantToken('{tenantid}', TENANT_A),
    expect: INVALID_TOKEN,
  },
]

const REVOKED_GROUP = 'Revocation hook (isRevoked)'
const revokedJti = (auth: { claims: Record<string, unknown> }) => auth.claims.jti === 'revoked'

export const REVOCATION_CASES: ConformanceCase[] = [
  {
    group: REVOKED_GROUP,
    title: 'the hook answers false',
    ref: 'API.md isRevoked',
    guard: { isRevoked: revokedJti },
    request: at('/api/orders', { jti: 'fine' }),
    expect: { status: 200 },
  },
  {
    group: REVOKED_GROUP,
    title: 'the hook answers true',
    ref: 'API.md isRevoked',
    guard: { isRevoked: revokedJti },
    request: at('/api/orders', { jti: 'revoked' }),
    expect: INVALID_TOKEN,
  },
  {
    group: REVOKED_GROUP,
    title: 'the hook answers true, asynchronously',
    ref: 'API.md isRevoked',
    guard: { isRevoked: async (auth) => revokedJti(auth) },
    request: at('/api/orders', { jti: 'revoked' }),
    expect: INVALID_TOKEN,
  },
  {
    group: REVOKED_GROUP,
    title: 'the hook throws: never a pass',
    ref: 'API.md isRevoked',
    guard: {
      isRevoked: () => {
        throw new Error('the deny list is down')
      },
    },
    request: at('/api/orders', { jti: 'fine' }),
    expect: { status: 503 },
  },
  {
    group: REVOKED_GROUP,
    title: 'the hook rejects: never a pass',
    ref: 'API.md isRevoked',
    guard: { isRevoked: () => Promise.reject(new Error('the deny list is down')) },
    request: at('/api/orders', { jti: 'fine' }),
    expect: { status: 503 },
  },
]
