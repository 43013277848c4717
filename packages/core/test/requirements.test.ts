import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AuthError,
  createGuard,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  UnauthorizedError,
  type AuthInfo,
  type ClaimValue,
  type RouteRequirement,
} from '../src/index.js'
import { claimRequirement, roleRequirement } from '../src/adapter/index.js'

const guard = createGuard({
  issuer: 'https://as.example.com',
  audience: 'https://api.example.com',
  jwksUri: 'https://as.example.com/jwks',
})

function authWith(parts: Partial<AuthInfo> = {}): AuthInfo {
  return {
    token: 't',
    scheme: 'Bearer',
    format: 'jwt',
    tokenSource: 'header',
    issuer: 'https://as.example.com',
    audience: ['https://api.example.com'],
    scopes: [],
    roles: [],
    claims: {},
    ...parts,
  }
}

/** The AuthError `authorize` throws, or undefined when it lets the caller through. */
function refusal(auth: AuthInfo | undefined, requirement: RouteRequirement | RouteRequirement[]) {
  try {
    guard.authorize(auth, requirement)
    return undefined
  } catch (error) {
    if (error instanceof AuthError) return error
    throw error
  }
}

describe('role requirements', () => {
  it('roles: every one; anyRoles: at least one', () => {
    const auth = authWith({ roles: ['reader', 'ops'] })
    expect(refusal(auth, { roles: ['reader', 'ops'] })).toBeUndefined()
    expect(refusal(auth, { anyRoles: ['admin', 'ops'] })).toBeUndefined()
    const denied = refusal(auth, { roles: ['reader', 'admin'] })
    expect(denied).toBeInstanceOf(InsufficientScopeError)
    expect(denied?.status).toBe(403)
    expect(refusal(auth, { anyRoles: ['admin'] })?.status).toBe(403)
  })

  it('answers 403 insufficient_scope without a scope= parameter (no scope would help)', () => {
    const denied = refusal(authWith(), { roles: ['admin'] }) as InsufficientScopeError
    const challenge = denied.headers['www-authenticate'] as string
    expect(challenge).toMatch(/^Bearer error="insufficient_scope"/)
    expect(challenge).not.toContain('scope=')
    expect(denied.requiredScopes).toEqual([])
  })

  it('are checked at start-up', () => {
    expect(() => roleRequirement([], 'all', 'requireRoles')).toThrow(
      'requireRoles() needs at least one role',
    )
    expect(() => roleRequirement(['', 'x'], 'any', 'requireAnyRole')).toThrow('invalid role ""')
    expect(() => roleRequirement([3], 'all', 'requireRoles')).toThrow('invalid role 3')
    expect(roleRequirement(['a'], 'any', 'x')).toEqual({ anyRoles: ['a'] })
  })
})

describe('claim requirements', () => {
  it('a scalar equals the claim; a list must all be in the claim (array or space-delimited)', () => {
    const auth = authWith({
      claims: { tenant: 'acme', level: 3, verified: true, groups: ['ops', 'dev'], amr: 'pwd otp' },
    })
    expect(
      refusal(auth, {
        claims: { tenant: 'acme', level: 3, verified: true, groups: ['ops'], amr: ['otp', 'pwd'] },
      }),
    ).toBeUndefined()
    const denials: Array<Record<string, ClaimValue | ClaimValue[]>> = [
      { tenant: 'umbrella' },
      { level: '3' },
      { verified: 'true' },
      { groups: ['ops', 'admin'] },
      { amr: ['hwk'] },
      { missing: 'x' },
      { level: [3, 4] },
    ]
    for (const claims of denials) {
      expect({ claims, status: refusal(auth, { claims })?.status }).toEqual({ claims, status: 403 })
    }
    // a one-word string claim holds its one word
    expect(refusal(auth, { claims: { tenant: ['acme'] } })).toBeUndefined()
  })

  it('reads own claims only, never the prototype', () => {
    expect(refusal(authWith(), { claims: { constructor: 'Object' } })?.status).toBe(403)
  })

  it('a claim named __proto__ (from JSON config) is kept and checked, never dropped', () => {
    const requirement = claimRequirement(JSON.parse('{"__proto__": "x"}'), 'requireClaims')
    expect(Object.keys(requirement.claims)).toEqual(['__proto__'])
    expect(refusal(authWith(), requirement)?.status).toBe(403)
    expect(refusal(authWith({ claims: JSON.parse('{"__proto__": "x"}') }), requirement)).toBe(
      undefined,
    )
  })

  it('are checked at start-up', () => {
    expect(() => claimRequirement({}, 'requireClaims')).toThrow('needs at least one claim')
    expect(() => claimRequirement([], 'requireClaims')).toThrow('an object of claim values')
    expect(() => claimRequirement({ a: {} }, 'requireClaims')).toThrow('claim "a" must expect')
    expect(() => claimRequirement({ a: [] }, 'requireClaims')).toThrow('claim "a" must expect')
    expect(() => claimRequirement({ a: Number.NaN }, 'requireClaims')).toThrow('must expect')
    expect(() => claimRequirement({ a: null }, 'requireClaims')).toThrow('must expect')
  })
})

describe('predicate requirements', () => {
  it('true passes, false is 403 without scope=', () => {
    const auth = authWith({ subject: 'alice' })
    expect(refusal(auth, (a) => a.subject === 'alice')).toBeUndefined()
    const denied = refusal(auth, (a) => a.subject === 'bob')
    expect(denied?.status).toBe(403)
    expect(denied?.headers['www-authenticate']).not.toContain('scope=')
  })

  it('a predicate that throws is a bug: the error passes through, never a 401/403', () => {
    const boom = new RangeError('predicate bug')
    expect(() =>
      guard.authorize(authWith(), () => {
        throw boom
      }),
    ).toThrow(boom)
  })

  it('a predicate that returns anything but a boolean is a TypeError (a 500)', () => {
    expect(() => guard.authorize(authWith(), (() => 'yes') as never)).toThrow(TypeError)
    expect(() => guard.authorize(authWith(), (async () => true) as never)).toThrow('a promise')
  })
})

describe('combining requirements', () => {
  it('one object may combine scopes, roles, claims and step-up: all must hold, in that order', () => {
    const now = Math.floor(Date.now() / 1000)
    const requirement = {
      scopes: ['orders:read'],
      roles: ['staff'],
      claims: { tenant: 'acme' },
      maxAge: 300,
    }
    const full = authWith({
      scopes: ['orders:read'],
      roles: ['staff'],
      claims: { tenant: 'acme', auth_time: now },
    })
    expect(refusal(full, requirement)).toBeUndefined()
    expect(refusal({ ...full, scopes: [] }, requirement)?.headers['www-authenticate']).toContain(
      'scope="orders:read"',
    )
    expect(refusal({ ...full, roles: [] }, requirement)).toBeInstanceOf(InsufficientScopeError)
    expect(refusal({ ...full, claims: { auth_time: now } }, requirement)?.status).toBe(403)
    expect(
      refusal({ ...full, claims: { tenant: 'acme', auth_time: now - 3600 } }, requirement),
    ).toBeInstanceOf(InsufficientUserAuthenticationError)
  })

  it('an anonymous caller is 401 whatever the requirement', () => {
    for (const r of [{ roles: ['a'] }, { claims: { a: 'b' } }, () => true] as RouteRequirement[]) {
      expect(refusal(undefined, r)).toBeInstanceOf(UnauthorizedError)
    }
  })

  it('something that is no requirement is a programming error (TypeError), not a 401', () => {
    for (const bad of [{}, { role: 'admin' }, { roles: 'admin' }, { claims: 'x' }, null, 7]) {
      expect(() => guard.authorize(authWith(), bad as never)).toThrow(TypeError)
    }
  })
})

describe('property: a requirement never passes for a token lacking it', () => {
  const name = fc.stringMatching(/^[a-z]{1,6}$/)
  it('roles and claims', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 6 }),
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (held, required, any) => {
          const auth = authWith({ roles: held, claims: { groups: held } })
          const roleOk = any
            ? required.some((r) => held.includes(r))
            : required.every((r) => held.includes(r))
          const roleReq: RouteRequirement = any ? { anyRoles: required } : { roles: required }
          expect(refusal(auth, roleReq) === undefined).toBe(roleOk)
          const claimOk = required.every((r) => held.includes(r))
          expect(refusal(auth, { claims: { groups: required } }) === undefined).toBe(claimOk)
        },
      ),
    )
  })
})
