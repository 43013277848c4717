import { describe, expect, it } from 'vitest'
import {
  AuthServerUnavailableError,
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  UnauthorizedError,
  UseDpopNonceError,
} from '../src/errors/auth-error.js'
import { formatChallenge, sanitizeParam } from '../src/errors/challenge.js'
import { rendered as withChallenge, type ChallengeSettings } from '../src/errors/render-error.js'

const NO_DPOP = { dpop: { mode: 'disabled', algorithms: [] } } as const
const dpop = (mode: 'allowed' | 'required'): ChallengeSettings => ({
  realm: 'api',
  errorDescriptions: false,
  dpop: { mode, algorithms: ['ES256', 'EdDSA'] },
})

describe('DPoP challenges (RFC 9449 §7.1)', () => {
  it('allowed: a 401 to a Bearer or anonymous request also advertises DPoP with its algs', () => {
    expect(withChallenge(new UnauthorizedError(), dpop('allowed')).headers).toEqual({
      'www-authenticate': 'Bearer realm="api", DPoP algs="ES256 EdDSA"',
    })
    const bad = withChallenge(new InvalidTokenError('x'), dpop('allowed'), 'Bearer')
    expect(bad.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", DPoP algs="ES256 EdDSA"',
    )
  })
  it('allowed: 400 and 403 answer in the Bearer scheme only', () => {
    const e400 = withChallenge(new InvalidRequestError('x'), dpop('allowed'))
    expect(e400.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_request"')
    const e403 = withChallenge(new InsufficientScopeError(['a']), dpop('allowed'), 'Bearer')
    expect(e403.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="a"',
    )
  })
  it('a DPoP request is answered with a DPoP challenge, 403 included', () => {
    const proof = withChallenge(new InvalidDpopProofError('x'), dpop('allowed'), 'DPoP')
    expect(proof.headers['www-authenticate']).toBe(
      'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA"',
    )
    const e403 = withChallenge(new InsufficientScopeError(['a']), dpop('allowed'), 'DPoP')
    expect(e403.headers['www-authenticate']).toBe(
      'DPoP realm="api", error="insufficient_scope", scope="a", algs="ES256 EdDSA"',
    )
  })
  it('required: every challenge is a DPoP one', () => {
    expect(withChallenge(new UnauthorizedError(), dpop('required')).headers).toEqual({
      'www-authenticate': 'DPoP realm="api", algs="ES256 EdDSA"',
    })
  })
  it('use_dpop_nonce carries the nonce in DPoP-Nonce', () => {
    const e = withChallenge(new UseDpopNonceError('n0nce'), dpop('allowed'), 'DPoP')
    expect(e.headers).toEqual({
      'www-authenticate': 'DPoP realm="api", error="use_dpop_nonce", algs="ES256 EdDSA"',
      'dpop-nonce': 'n0nce',
    })
  })
})

describe('challenge formatting (RFC 6750 §3)', () => {
  it('quotes every parameter and separates them with commas', () => {
    expect(
      formatChallenge('Bearer', [
        ['realm', 'api'],
        ['error', 'invalid_token'],
      ]),
    ).toBe('Bearer realm="api", error="invalid_token"')
  })
  it('never repeats a parameter', () => {
    expect(
      formatChallenge('Bearer', [
        ['realm', 'a'],
        ['realm', 'b'],
      ]),
    ).toBe('Bearer realm="a"')
  })
  it('sanitises quotes, backslashes, control and non-ASCII characters', () => {
    expect(sanitizeParam('a"b\\c\nd\u00e9e\u0000f')).toBe('abcdef')
    expect(formatChallenge('Bearer', [['error_description', 'say "hi"\r\nX-Injected: 1']])).toBe(
      'Bearer error_description="say hiX-Injected: 1"',
    )
  })
  it('a bare 401 carries realm and no error (RFC 6750 §3.1)', () => {
    const e = withChallenge(new UnauthorizedError(), {
      realm: 'orders',
      errorDescriptions: true,
      ...NO_DPOP,
    })
    expect(e.status).toBe(401)
    expect(e.headers['www-authenticate']).toBe('Bearer realm="orders"')
  })
  it('a bare 401 without a configured realm still carries one auth-param', () => {
    const e = withChallenge(new UnauthorizedError(), {
      realm: undefined,
      errorDescriptions: true,
      ...NO_DPOP,
    })
    expect(e.headers['www-authenticate']).toBe('Bearer realm="api"')
  })
  it('invalid_token carries error and description', () => {
    const e = withChallenge(new InvalidTokenError('Token has expired'), {
      realm: undefined,
      errorDescriptions: true,
      ...NO_DPOP,
    })
    expect(e.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="Token has expired"',
    )
    expect(e.toJSON()).toEqual({ error: 'invalid_token', error_description: 'Token has expired' })
  })
  it('errorDescriptions: false leaves descriptions out of challenge and body', () => {
    const e = withChallenge(new InvalidTokenError('Token has expired'), {
      realm: 'r',
      errorDescriptions: false,
      ...NO_DPOP,
    })
    expect(e.headers['www-authenticate']).toBe('Bearer realm="r", error="invalid_token"')
    expect(e.toJSON()).toEqual({ error: 'invalid_token' })
  })
  it('insufficient_scope names the required scopes', () => {
    const e = withChallenge(new InsufficientScopeError(['a', 'b']), {
      realm: undefined,
      errorDescriptions: false,
      ...NO_DPOP,
    })
    expect(e.status).toBe(403)
    expect(e.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="a b"')
  })
  it('503 carries Retry-After and no invalid_token challenge', () => {
    const e = withChallenge(new AuthServerUnavailableError(undefined, 7), {
      realm: 'r',
      errorDescriptions: true,
      ...NO_DPOP,
    })
    expect(e.status).toBe(503)
    expect(e.headers).toEqual({ 'retry-after': '7' })
  })
  it('the stack of an AuthError holds no file paths', () => {
    expect(new InvalidTokenError('x').stack).toBe('InvalidTokenError: x')
  })
})
