import { describe, expect, it } from 'vitest'
import type { GuardOptions } from '../src/options/guard-options.js'
import { GuardOptionError } from '../src/options/option-error.js'
import { resolveOptions } from '../src/options/resolve-options.js'

const base = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
const secret = 'x'.repeat(32)
const rsaPublic = { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k' }
function fails(options: unknown, option: string, message: RegExp) {
  let caught: unknown
  try {
    resolveOptions(options as GuardOptions)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(GuardOptionError)
  expect((caught as GuardOptionError).option).toBe(option)
  expect((caught as GuardOptionError).message).toMatch(message)
}

describe('resolveOptions: defaults', () => {
  it('resolves the documented defaults', () => {
    const r = resolveOptions(base)
    expect(r.jwt).toEqual({
      typ: 'lenient',
      clockTolerance: 30,
      maxTokenAge: undefined,
      requiredClaims: ['exp'],
    })
    expect(r.scopeClaims).toEqual(['scope', 'scp'])
    expect(r.request).toEqual({
      bearerMethods: ['header'],
      optional: false,
      maxTokenLength: 16_384,
    })
    expect(r.challenge).toMatchObject({ realm: undefined, errorDescriptions: true })
    expect(r.keys.cooldownMs).toBeLessThanOrEqual(5000)
    expect(r.http).toMatchObject({ timeout: 5000, maxBytes: 512 * 1024 })
    expect(r.tokenFormat).toBe('jwt')
    expect(r.jwtCache).toEqual({ max: 10_000, ttl: 300 })
    const iss = r.issuers.get(base.issuer)
    expect(iss?.keys).toEqual({ kind: 'discovery' })
    expect(iss?.audiences).toEqual([base.audience])
    expect([...(iss?.algorithms ?? [])]).not.toContain('HS256')
    expect([...(iss?.algorithms ?? [])]).toContain('EdDSA')
  })
  it('a secret defaults to the HS algorithms', () => {
    expect([
      ...(resolveOptions({ ...base, secret }).issuers.get(base.issuer)?.algorithms ?? []),
    ]).toEqual(['HS256', 'HS384', 'HS512'])
  })
  it('several issuers, each with its own settings', () => {
    const r = resolveOptions({
      ...base,
      issuer: [
        'https://a.example.com',
        {
          issuer: 'https://b.example.com',
          jwksUri: 'https://b.example.com/k',
          audience: 'b-api',
          algorithms: ['ES256'],
        },
      ],
    })
    expect(r.issuers.get('https://a.example.com')?.keys).toEqual({ kind: 'discovery' })
    expect(r.issuers.get('https://b.example.com')).toMatchObject({
      keys: { kind: 'jwks', uri: 'https://b.example.com/k' },
      audiences: ['b-api'],
    })
    expect([...(r.issuers.get('https://b.example.com')?.algorithms ?? [])]).toEqual(['ES256'])
  })
})

describe('resolveOptions: a wrong option fails at once, naming it and the fix', () => {
  it('audience missing', () => fails({ issuer: base.issuer }, 'audience', /required/))
  it('issuer missing', () => fails({ audience: 'a' }, 'issuer', /required/))
  it('options not an object', () => fails(undefined, 'options', /object/))
  it('empty audience', () => fails({ ...base, audience: '' }, 'audience', /non-empty/))
  it('empty audience list', () => fails({ ...base, audience: [] }, 'audience', /empty/))
  it('unknown option (a typo)', () =>
    fails({ ...base, audiance: 'x' }, 'audiance', /not a known option/))
  it('secret together with jwksUri', () =>
    fails(
      { ...base, secret, jwksUri: 'https://as.example.com/jwks' },
      'secret',
      /cannot be combined with "jwksUri"/,
    ))
  it('keys together with jwksUri', () =>
    fails(
      { ...base, keys: [rsaPublic], jwksUri: 'https://as.example.com/jwks' },
      'keys',
      /one source of keys/,
    ))
  it('a short secret', () => fails({ ...base, secret: 'short' }, 'secret', /32 bytes/))
  it('none in algorithms', () =>
    fails({ ...base, algorithms: ['RS256', 'none'] }, 'algorithms', /"none"/))
  it('HS256 without a secret', () =>
    fails({ ...base, algorithms: ['HS256'] }, 'algorithms', /needs a shared "secret"/))
  it('RS256 with a secret', () =>
    fails({ ...base, secret, algorithms: ['RS256'] }, 'algorithms', /HS256/))
  it('an unknown algorithm', () =>
    fails({ ...base, algorithms: ['RS999'] }, 'algorithms', /unknown algorithm/))
  it('empty algorithms', () => fails({ ...base, algorithms: [] }, 'algorithms', /at least one/))
  it('jwksUri not a URL', () =>
    fails({ ...base, jwksUri: 'keys.json' }, 'jwksUri', /http\(s\) URL/))
  it('an issuer that cannot be discovered', () =>
    fails({ ...base, issuer: 'my-issuer' }, 'issuer', /jwksUri/))
  it('a private key in keys', () =>
    fails({ ...base, keys: [{ ...rsaPublic, d: 'AQAB' }] }, 'keys[0]', /private key/))
  it('a symmetric key in keys', () =>
    fails({ ...base, keys: [{ kty: 'oct', k: 'AQAB' }] }, 'keys[0]', /secret/))
  it('jwksUri with several issuers', () =>
    fails(
      {
        ...base,
        issuer: ['https://a.example', 'https://b.example'],
        jwksUri: 'https://a.example/k',
      },
      'jwksUri',
      /each IssuerConfig/,
    ))
  it('the same issuer twice', () =>
    fails({ ...base, issuer: [base.issuer, base.issuer] }, 'issuer[1]', /twice/))
  it('bad bearerMethods', () =>
    fails({ ...base, bearerMethods: ['cookie'] }, 'bearerMethods[0]', /./))
  it('empty bearerMethods', () =>
    fails({ ...base, bearerMethods: [] }, 'bearerMethods', /at least one/))
  it('negative clockTolerance', () =>
    fails({ ...base, clockTolerance: -1 }, 'clockTolerance', /zero or more/))
  it('typ other than strict/lenient', () => fails({ ...base, typ: 'loose' }, 'typ', /./))
  it('fetch not a function', () => fails({ ...base, fetch: 'x' }, 'fetch', /function/))
  it('maxTokenLength not a positive integer', () =>
    fails({ ...base, maxTokenLength: 0 }, 'maxTokenLength', /positive/))
  it('a bad IssuerConfig field names its path', () =>
    fails(
      { ...base, issuer: [{ issuer: 'https://a.example', jwksUri: 'nope' }] },
      'issuer[0].jwksUri',
      /http\(s\) URL/,
    ))
})

describe('resolveOptions: every problem at once', () => {
  function problemsOf(options: unknown): GuardOptionError {
    try {
      resolveOptions(options as GuardOptions)
    } catch (error) {
      expect(error).toBeInstanceOf(GuardOptionError)
      return error as GuardOptionError
    }
    throw new Error('expected the options to be rejected')
  }

  it('one problem: one entry, and the message is the one line it always was', () => {
    const error = problemsOf({ issuer: base.issuer })
    expect(error.problems).toEqual([{ option: 'audience', problem: 'is required' }])
    expect(error.message).toBe('bearerguard: option "audience" is required')
  })

  it('several wrong shapes: each option once, in one error', () => {
    const error = problemsOf({
      issuer: base.issuer,
      audience: '',
      clockTolerance: -1,
      typ: 'loose',
      audiance: 'x',
    })
    expect(error.problems.map((p) => p.option).sort()).toEqual(
      ['audience', 'clockTolerance', 'typ', 'audiance'].sort(),
    )
    expect(error.option).toBe(error.problems[0]?.option)
    expect(error.message).toMatch(/^bearerguard: 4 problems with the options:\n {2}- option /)
    for (const line of [
      'option "audience" must be a non-empty string',
      'option "clockTolerance" must be zero or more seconds',
      'option "audiance" is not a known option',
    ]) {
      expect(error.message).toContain(line)
    }
  })

  it('wrong shapes and the rules between options, together', () => {
    const error = problemsOf({
      ...base,
      clockTolerance: -1,
      secret,
      jwksUri: 'https://as.example.com/jwks',
      algorithms: ['RS256', 'none'],
      dpop: { algorithms: ['HS256'] },
      jwtCache: { max: 0 },
    })
    expect(error.problems).toEqual([
      { option: 'clockTolerance', problem: 'must be zero or more seconds' },
      { option: 'jwtCache.max', problem: 'must be a positive integer' },
      { option: 'secret', problem: expect.stringContaining('cannot be combined with "jwksUri"') },
      { option: 'algorithms', problem: expect.stringContaining('may not include "none"') },
      { option: 'dpop.algorithms', problem: expect.stringContaining('asymmetric') },
    ])
  })

  it('each issuer and each key list reports its own problem', () => {
    const error = problemsOf({
      ...base,
      issuer: [
        { issuer: 'https://a.example', keys: [{ ...rsaPublic, d: 'AQAB' }] },
        { issuer: 'https://b.example', secret: 'short' },
        'my-issuer',
        'https://a.example',
      ],
    })
    expect(error.problems.map((p) => p.option)).toEqual([
      'issuer[0].keys[0]',
      'issuer[1].secret',
      'issuer[2]',
      'issuer[3]',
    ])
  })

  it('with issuer or audience wrong, the rules that need them are not guessed at', () => {
    const error = problemsOf({ issuer: 'https://as.example.com', algorithms: ['none'] })
    expect(error.problems).toEqual([{ option: 'audience', problem: 'is required' }])
  })
})
