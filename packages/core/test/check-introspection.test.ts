import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors/auth-error.js'
import {
  checkIntrospection,
  type IntrospectionPolicy,
} from '../src/introspection/check-introspection.js'

const now = 1_800_000_000
const policy: IntrospectionPolicy = {
  audiences: ['api'],
  requireAudience: false,
  trustedIssuers: new Set(['https://as.example.com']),
  clockTolerance: 30,
}
const check = (claims: Record<string, unknown>, p: Partial<IntrospectionPolicy> = {}) =>
  checkIntrospection({ active: true, ...claims }, { ...policy, ...p }, now)
const fails = (
  claims: Record<string, unknown>,
  message: RegExp,
  p: Partial<IntrospectionPolicy> = {},
) => {
  expect(() => check(claims, p)).toThrow(InvalidTokenError)
  expect(() => check(claims, p)).toThrow(message)
}

describe('checkIntrospection (RFC 7662 §2.2)', () => {
  it('accepts a minimal active response', () => expect(() => check({})).not.toThrow())
  it('exp in the past → expired', () => fails({ exp: now - 31 }, /expired/))
  it('exp within the leeway is accepted', () =>
    expect(() => check({ exp: now - 29 })).not.toThrow())
  it('nbf in the future → not yet valid', () => fails({ nbf: now + 31 }, /not yet valid/))
  it('iat in the future → rejected', () => fails({ iat: now + 31 }, /future/))
  it('aud present but foreign → rejected', () => fails({ aud: 'other' }, /audience/))
  it('aud array containing ours → accepted', () =>
    expect(() => check({ aud: ['x', 'api'] })).not.toThrow())
  it('aud absent → accepted by default', () => expect(() => check({})).not.toThrow())
  // the claims module's rules, as for JWTs: a malformed claim is the token's 401, never a crash
  it('aud neither a string nor strings → malformed (as for a JWT)', () => {
    fails({ aud: { api: true } }, /"aud" is malformed/)
    fails({ aud: ['api', 7] }, /"aud" is malformed/)
  })
  it('a time claim that is not a number → malformed (as for a JWT)', () => {
    fails({ exp: 'tomorrow' }, /"exp" is malformed/)
    fails({ nbf: null }, /"nbf" is malformed/)
    fails({ iat: Number.NaN }, /"iat" is malformed/)
  })
  it('aud absent with requireAudience → rejected', () =>
    fails({}, /audience/, { requireAudience: true }))
  it('iss present but untrusted → rejected', () => fails({ iss: 'https://evil.example' }, /issuer/))
  it('iss trusted → accepted', () =>
    expect(() => check({ iss: 'https://as.example.com' })).not.toThrow())
  it.each(['refresh_token', 'Refresh_Token', 'refresh'])('token_type %s → rejected', (t) =>
    fails({ token_type: t }, /Refresh/),
  )
  it("Keycloak's typ Refresh → rejected", () => fails({ typ: 'Refresh' }, /Refresh/))
  it('token_type Bearer → accepted', () =>
    expect(() => check({ token_type: 'Bearer' })).not.toThrow())
})
