import { describe, expect, it } from 'vitest'
import { InsufficientScopeError, InvalidTokenError } from '../src/errors/auth-error.js'
import { checkScopes, scopeRequirement } from '../src/scopes/scope-requirement.js'
import { scopesOf } from '../src/scopes/scopes-of.js'

describe('scopesOf', () => {
  const names = ['scope', 'scp']
  it('splits a space-delimited scope string', () =>
    expect(scopesOf({ scope: 'a  b c' }, names)).toEqual(['a', 'b', 'c']))
  it('reads an scp array', () => expect(scopesOf({ scp: ['a', 'b'] }, names)).toEqual(['a', 'b']))
  it('the first present claim wins', () =>
    expect(scopesOf({ scope: 'a', scp: ['b'] }, names)).toEqual(['a']))
  it('no scope claim → none', () => expect(scopesOf({}, names)).toEqual([]))
  it('a custom claim', () =>
    expect(scopesOf({ permissions: ['x'] }, ['permissions'])).toEqual(['x']))
  it('a scope claim of another type is malformed', () => {
    expect(() => scopesOf({ scope: 42 }, names)).toThrow(InvalidTokenError)
    expect(() => scopesOf({ scp: ['a', 1] }, names)).toThrow(InvalidTokenError)
  })
})

describe('checkScopes', () => {
  it('all-of: every scope needed', () => {
    expect(() => checkScopes(['a', 'b'], { scopes: ['a', 'b'] })).not.toThrow()
    expect(() => checkScopes(['a'], { scopes: ['a', 'b'] })).toThrow(InsufficientScopeError)
  })
  it('any-of: one scope is enough', () => {
    expect(() => checkScopes(['b'], { scopes: ['a', 'b'], match: 'any' })).not.toThrow()
    expect(() => checkScopes(['c'], { scopes: ['a', 'b'], match: 'any' })).toThrow(
      InsufficientScopeError,
    )
  })
  it('the error names the required scopes', () => {
    try {
      checkScopes([], { scopes: ['a', 'b'] })
    } catch (e) {
      expect((e as InsufficientScopeError).challengeParams.scope).toBe('a b')
      expect((e as InsufficientScopeError).status).toBe(403)
    }
    expect.assertions(2)
  })
  it('scopes are compared exactly (no prefix or case folding)', () => {
    expect(() => checkScopes(['orders'], { scopes: ['orders:read'] })).toThrow()
    expect(() => checkScopes(['Orders:Read'], { scopes: ['orders:read'] })).toThrow()
  })
})

describe('scopeRequirement', () => {
  it('builds a checked requirement', () => {
    expect(scopeRequirement(['a', 'b:c'], 'any', 'requireAnyScope')).toEqual({
      scopes: ['a', 'b:c'],
      match: 'any',
    })
  })
  it.each([[[]], [['']], [['two words']], [['quo"te']], [['back\\slash']], [[42]]])(
    'rejects %j at start-up, naming the API',
    (scopes) => {
      expect(() => scopeRequirement(scopes as string[], 'all', 'requireScopes')).toThrow(
        /requireScopes\(\)/,
      )
    },
  )
})
