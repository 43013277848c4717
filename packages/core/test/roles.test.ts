import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGuard, GuardOptionError } from '../src/index.js'
import { readClaim } from '../src/claims/claim-path.js'
import { rolesOf } from '../src/roles/roles-of.js'
import { scopesOf } from '../src/scopes/scopes-of.js'

const AUDIENCE = 'https://api.example.com'

describe('rolesOf', () => {
  it('unites every listed claim: names taken literally, paths into nested objects', () => {
    const keycloak = {
      realm_access: { roles: ['offline_access', 'admin'] },
      resource_access: { 'orders-api': { roles: ['orders-reader', 'admin'] } },
    }
    expect(
      rolesOf(keycloak, [
        'roles',
        ['realm_access', 'roles'],
        ['resource_access', 'orders-api', 'roles'],
      ]),
    ).toEqual(['offline_access', 'admin', 'orders-reader'])
    // Auth0 namespaced claims are one name, dots and slashes included
    expect(
      rolesOf({ 'https://example.com/roles': ['editor'] }, ['https://example.com/roles']),
    ).toEqual(['editor'])
    // Entra app roles, Auth0 permissions, Okta groups; a space-delimited string works too
    expect(rolesOf({ roles: 'a b  c' }, ['roles'])).toEqual(['a', 'b', 'c'])
    expect(rolesOf({ permissions: ['read:orders'] }, ['permissions'])).toEqual(['read:orders'])
  })

  it('ignores claims of any other shape, and paths through non-objects', () => {
    const claims = {
      roles: [1, 'admin'],
      groups: { admin: true },
      nested: 'admin',
      list: [{ roles: ['admin'] }],
      flag: true,
    }
    expect(
      rolesOf(claims, ['roles', 'groups', ['nested', 'roles'], ['list', '0', 'roles'], 'flag']),
    ).toEqual([])
  })

  it('never reads through the prototype chain', () => {
    expect(readClaim({}, ['constructor', 'name'])).toBeUndefined()
    expect(readClaim({}, '__proto__')).toBeUndefined()
    expect(rolesOf({}, [['__proto__', 'roles'], 'toString'])).toEqual([])
  })

  it('never invents a role (property)', () => {
    const roleList = fc.array(fc.stringMatching(/^[a-z:]{1,8}$/), { maxLength: 5 })
    fc.assert(
      fc.property(roleList, roleList, fc.boolean(), (top, nested, asString) => {
        const claims = {
          roles: asString ? top.join(' ') : top,
          realm_access: { roles: nested },
        }
        const roles = rolesOf(claims, ['roles', ['realm_access', 'roles']])
        for (const role of roles) expect([...top, ...nested]).toContain(role)
        for (const role of [...top, ...nested]) expect(roles).toContain(role)
        expect(new Set(roles).size).toBe(roles.length)
      }),
    )
  })
})

describe('scopesOf with claim paths', () => {
  it('reads the first present path, and names a malformed one in the error', () => {
    const claims = { ext: { scopes: ['a', 'b'] }, scope: 'x' }
    expect(scopesOf(claims, [['ext', 'scopes'], 'scope'])).toEqual(['a', 'b'])
    // a path through a non-object finds nothing; the next path is read
    expect(scopesOf({ ext: 'x', scope: 'y' }, [['ext', 'scopes'], 'scope'])).toEqual(['y'])
    expect(() => scopesOf({ ext: { scopes: [1] } }, [['ext', 'scopes']])).toThrow(
      'Token claim "ext.scopes" is malformed',
    )
  })
})

describe('roleClaims and scopeClaim options', () => {
  const base = {
    issuer: 'https://as.example.com',
    audience: AUDIENCE,
    jwksUri: 'https://as.example.com/jwks',
  }
  it('are checked at construction', () => {
    expect(() => createGuard({ ...base, roleClaims: [] })).toThrow(GuardOptionError)
    expect(() => createGuard({ ...base, roleClaims: [[]] })).toThrow(/roleClaims/)
    expect(() => createGuard({ ...base, roleClaims: [''] })).toThrow(/roleClaims/)
    expect(() => createGuard({ ...base, roleClaims: [7 as never] })).toThrow(/roleClaims/)
    expect(() => createGuard({ ...base, scopeClaim: [['a', '']] })).toThrow(/scopeClaim/)
    expect(() =>
      createGuard({ ...base, roleClaims: ['roles', ['realm_access', 'roles']] }),
    ).not.toThrow()
  })
})

describe('AuthInfo.roles', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterAll(() => issuer.close())

  const request = (token: string) => ({
    method: 'GET',
    url: `${AUDIENCE}/orders`,
    headers: { authorization: `Bearer ${token}` },
  })

  it('is [] by default without a roles claim, and the roles claim by default', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
    const none = await guard.authenticate(request(await issuer.token({ sub: 'a' })))
    expect(none?.roles).toEqual([])
    const some = await guard.authenticate(request(await issuer.token({ roles: ['admin'] })))
    expect(some?.roles).toEqual(['admin'])
    await guard.close()
  })

  it('comes from JWTs and introspection answers alike, with scopes from a path', async () => {
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      roleClaims: [['realm_access', 'roles'], 'groups'],
      scopeClaim: [['ext', 'scopes'], 'scope'],
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    })
    const claims = {
      sub: 'kc-user',
      realm_access: { roles: ['admin'] },
      groups: ['ops'],
      ext: { scopes: ['orders:read'] },
    }
    const jwt = await guard.authenticate(request(await issuer.token(claims)))
    expect(jwt).toMatchObject({ format: 'jwt', roles: ['admin', 'ops'], scopes: ['orders:read'] })
    const opaque = await guard.authenticate(request(await issuer.opaqueToken(claims)))
    expect(opaque).toMatchObject({
      format: 'opaque',
      roles: ['admin', 'ops'],
      scopes: ['orders:read'],
    })
    expect(Object.isFrozen(jwt?.roles)).toBe(true)
    await guard.close()
  })
})
