import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InsufficientUserAuthenticationError, UnauthorizedError } from '../src/errors/auth-error.js'
import { createGuard, type Guard } from '../src/guard/create-guard.js'
import {
  checkStepUp,
  isStepUpRequirement,
  stepUpRequirement,
} from '../src/stepup/step-up-requirement.js'

const MFA = 'urn:example:mfa'
const DPOP_ALGS = 'ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512'
const now = 1_800_000_000

function thrown(fn: () => void): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('did not throw')
}

describe('stepUpRequirement (start-up check)', () => {
  it('keeps a copy of acrValues and maxAge', () => {
    const acrValues = [MFA]
    const r = stepUpRequirement({ acrValues, maxAge: 300 }, 'requireStepUp')
    expect(r).toEqual({ acrValues: [MFA], maxAge: 300 })
    acrValues.push('late')
    expect(r.acrValues).toEqual([MFA])
    expect(stepUpRequirement({ maxAge: 0 }, 'requireStepUp')).toEqual({ maxAge: 0 })
  })
  it.each([
    [{}, /acrValues, maxAge or both/],
    [null, /needs \{ acrValues\?, maxAge\? \}/],
    [{ acrValues: [] }, /non-empty list/],
    [{ acrValues: 'urn:example:mfa' }, /non-empty list/],
    [{ acrValues: ['two words'] }, /invalid acr value "two words"/],
    [{ acrValues: ['quo"te'] }, /invalid acr value/],
    [{ acrValues: [42] }, /invalid acr value 42/],
    [{ maxAge: -1 }, /whole number of seconds/],
    [{ maxAge: 1.5 }, /whole number of seconds/],
    [{ maxAge: Number.POSITIVE_INFINITY }, /whole number of seconds/],
    [{ maxAge: '300' }, /whole number of seconds/],
  ])('rejects %j', (input, message) => {
    const error = thrown(() => stepUpRequirement(input as never, 'requireStepUp'))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toMatch(/^bearerguard: requireStepUp\(\)/)
  })
})

describe('isStepUpRequirement', () => {
  it('tells step-up requirements from scope requirements', () => {
    expect(isStepUpRequirement({ maxAge: 1 })).toBe(true)
    expect(isStepUpRequirement({ acrValues: [MFA] })).toBe(true)
    expect(isStepUpRequirement({ scopes: ['a'] })).toBe(false)
  })
})

describe('checkStepUp', () => {
  const error = (claims: Record<string, unknown>, r: Parameters<typeof checkStepUp>[1]) =>
    thrown(() => checkStepUp(claims, r, now, 30)) as InsufficientUserAuthenticationError

  it('accepts an acr in the list and a recent enough auth_time', () => {
    expect(() =>
      checkStepUp(
        { acr: MFA, auth_time: now - 300 },
        { acrValues: ['x', MFA], maxAge: 300 },
        now,
        0,
      ),
    ).not.toThrow()
  })
  it('allows the clock tolerance on maxAge, and no more', () => {
    expect(() => checkStepUp({ auth_time: now - 330 }, { maxAge: 300 }, now, 30)).not.toThrow()
    expect(error({ auth_time: now - 331 }, { maxAge: 300 })).toBeInstanceOf(
      InsufficientUserAuthenticationError,
    )
  })
  it('rejects a missing, foreign or malformed acr', () => {
    for (const claims of [{}, { acr: 'urn:example:pwd' }, { acr: [MFA] }, { acr: 2 }]) {
      const e = error(claims, { acrValues: [MFA, 'urn:example:hwk'] })
      expect(e.status).toBe(401)
      expect(e.code).toBe('insufficient_user_authentication')
      expect(e.description).toBe('A stronger authentication is required')
      expect(e.challengeParams).toEqual({ acr_values: `${MFA} urn:example:hwk` })
    }
  })
  it('rejects a missing, old, malformed or future auth_time', () => {
    for (const authTime of [undefined, now - 3600, '1800000000', Number.NaN, now + 600]) {
      const e = error({ auth_time: authTime }, { maxAge: 300 })
      expect(e.description).toBe('A more recent authentication is required')
      expect(e.challengeParams).toEqual({ max_age: '300' })
    }
  })
  it('names the whole requirement in the challenge, whichever part failed', () => {
    const e = error({ acr: MFA, auth_time: now - 3600 }, { acrValues: [MFA], maxAge: 60 })
    expect(e.challengeParams).toEqual({ acr_values: MFA, max_age: '60' })
    expect(e.acrValues).toEqual([MFA])
    expect(e.maxAge).toBe(60)
  })
})

describe('guard.authorize with step-up requirements', () => {
  let issuer: TestIssuer
  let guard: Guard
  const request = (token: string) => ({
    method: 'GET',
    url: 'https://api.example.com/pay',
    headers: { authorization: `Bearer ${token}` },
  })

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: 'https://api.example.com' })
    guard = createGuard({
      issuer: issuer.url,
      audience: 'https://api.example.com',
      realm: 'payments',
      resourceMetadata: true,
    })
  })
  afterAll(() => issuer.close())

  it('passes a token that meets scopes and step-up together', async () => {
    const token = await issuer.token({
      scope: 'pay',
      acr: MFA,
      auth_time: Math.floor(Date.now() / 1000) - 10,
    })
    const auth = await guard.authenticate(request(token))
    expect(() =>
      guard.authorize(auth, [{ scopes: ['pay'] }, { acrValues: [MFA], maxAge: 300 }]),
    ).not.toThrow()
  })

  it('answers a token that falls short with the RFC 9470 challenge', async () => {
    const token = await issuer.token({
      scope: 'pay',
      acr: 'urn:example:pwd',
      auth_time: Math.floor(Date.now() / 1000) - 10,
    })
    const auth = await guard.authenticate(request(token))
    const e = thrown(() =>
      guard.authorize(auth, { acrValues: [MFA], maxAge: 300 }),
    ) as InsufficientUserAuthenticationError
    expect(e).toBeInstanceOf(InsufficientUserAuthenticationError)
    expect(e.headers['www-authenticate']).toBe(
      'Bearer realm="payments", error="insufficient_user_authentication", ' +
        'error_description="A stronger authentication is required", ' +
        `acr_values="${MFA}", max_age="300", ` +
        'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource", ' +
        // DPoP is allowed by default: a 401 also advertises it
        `DPoP algs="${DPOP_ALGS}"`,
    )
    expect(e.toJSON()).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'A stronger authentication is required',
    })
  })

  it('checks requirements in order: a missing scope is a 403 before the step-up', async () => {
    const token = await issuer.token({ scope: 'profile' })
    const auth = await guard.authenticate(request(token))
    const e = thrown(() => guard.authorize(auth, [{ scopes: ['pay'] }, { maxAge: 300 }]))
    expect((e as { status: number }).status).toBe(403)
  })

  it('an anonymous caller is a 401 without error', () => {
    const e = thrown(() => guard.authorize(undefined, { maxAge: 300 }))
    expect(e).toBeInstanceOf(UnauthorizedError)
  })
  it('a requirement of no known shape is a TypeError (a programming error), not a 401', async () => {
    const auth = await guard.authenticate(request(await issuer.token({ scope: 'pay' })))
    for (const bad of [{}, null, { scope: 'pay' }, [{ scopes: ['pay'] }, {}]]) {
      expect(() => guard.authorize(auth, bad as never)).toThrow(/authorize\(\) needs/)
    }
  })
})
