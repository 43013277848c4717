/**
 * The rows of the conformance table for authorization beyond scopes: roles read from the
 * claims `roleClaims` names (top-level names taken literally, paths into nested objects),
 * claim values, and predicates. The harness routes: GET /api/roles (role `admin`),
 * GET /api/tenant (claim `tenant` = `acme`), GET /api/checked (a predicate: `email_verified`
 * true; it throws when the token has `boom: true`). A failed role, claim or predicate
 * requirement is 403 insufficient_scope without `scope=` (no scope would help); a predicate
 * that throws is a bug of the app: 500, never a 401 or 403.
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
