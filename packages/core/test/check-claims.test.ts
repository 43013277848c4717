import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors/auth-error.js'
import { audienceOf } from '../src/claims/audience.js'
import { checkClaims, type ClaimsPolicy } from '../src/jwt/check-claims.js'

const now = 1_800_000_000
const policy: ClaimsPolicy = { audiences: ['api'], clockTolerance: 30, requiredClaims: ['exp'] }
const ok = { aud: 'api', exp: now + 60, iat: now - 10 }
const check = (claims: Record<string, unknown>, p: Partial<ClaimsPolicy> = {}) =>
  checkClaims(claims, { ...policy, ...p }, now)
const fails = (claims: Record<string, unknown>, message: RegExp, p: Partial<ClaimsPolicy> = {}) => {
  expect(() => check(claims, p)).toThrow(InvalidTokenError)
  expect(() => check(claims, p)).toThrow(message)
}

describe('checkClaims (RFC 7519 §4.1, RFC 9068 §2.2)', () => {
  it('accepts a valid claims set', () => expect(() => check(ok)).not.toThrow())
  it('exp is required by default', () => fails({ aud: 'api' }, /"exp"/))
  it('exp in the past beyond the leeway → expired', () =>
    fails({ ...ok, exp: now - 31 }, /expired/))
  it('exp in the past within the leeway is accepted', () =>
    expect(() => check({ ...ok, exp: now - 29 })).not.toThrow())
  it('exp as a string → malformed', () =>
    fails({ ...ok, exp: String(now + 60) }, /"exp" is malformed/))
  it('exp as NaN-like values → malformed', () => fails({ ...ok, exp: null }, /"exp" is malformed/))
  it('nbf in the future beyond the leeway → not yet valid', () =>
    fails({ ...ok, nbf: now + 31 }, /not yet valid/))
  it('nbf within the leeway is accepted', () =>
    expect(() => check({ ...ok, nbf: now + 29 })).not.toThrow())
  it('iat in the future beyond the leeway → rejected', () =>
    fails({ ...ok, iat: now + 31 }, /future/))
  it('maxTokenAge rejects an old iat', () =>
    fails({ ...ok, iat: now - 100 }, /too old/, { maxTokenAge: 60 }))
  it('maxTokenAge requires iat', () =>
    fails({ aud: 'api', exp: now + 60 }, /"iat"/, { maxTokenAge: 60 }))
  it('aud must contain one of our audiences', () => fails({ ...ok, aud: 'other' }, /audience/))
  it('aud array containing ours is accepted', () =>
    expect(() => check({ ...ok, aud: ['x', 'api'] })).not.toThrow())
  it('aud array with a non-string member → malformed', () =>
    fails({ ...ok, aud: ['api', 1] }, /"aud" is malformed/))
  it('aud as an object → malformed', () =>
    fails({ ...ok, aud: { api: true } }, /"aud" is malformed/))
  it('missing aud → not accepted', () => fails({ exp: now + 60 }, /audience/))
  it('aud with a Unicode look-alike is not ours', () =>
    fails({ ...ok, aud: 'аpi' /* Cyrillic а */ }, /audience/))
  it('aud differing by a trailing slash is not ours', () =>
    fails({ ...ok, aud: 'api/' }, /audience/))
  it('requiredClaims are enforced', () => fails(ok, /"sub"/, { requiredClaims: ['exp', 'sub'] }))
  it('sub must be a string', () => fails({ ...ok, sub: 42 }, /"sub" is malformed/))
  it('client_id must be a string', () =>
    fails({ ...ok, client_id: ['a'] }, /"client_id" is malformed/))
  it('audienceOf normalises to an array', () => {
    expect(audienceOf({ aud: 'a' })).toEqual(['a'])
    expect(audienceOf({ aud: ['a', 'b'] })).toEqual(['a', 'b'])
    expect(audienceOf({})).toEqual([])
  })
})
