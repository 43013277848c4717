import { describe, expect, it } from 'vitest'
import {
  AuthServerUnavailableError,
  InsufficientScopeError,
  InvalidTokenError,
  UnauthorizedError,
} from '../src/errors/auth-error.js'
import { formatChallenge, sanitizeParam } from '../src/errors/challenge.js'
import { withChallenge } from '../src/guard/challenge-headers.js'

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
    const e = withChallenge(new UnauthorizedError(), { realm: 'orders', errorDescriptions: true })
    expect(e.status).toBe(401)
    expect(e.headers['www-authenticate']).toBe('Bearer realm="orders"')
  })
  it('a bare 401 without a configured realm still carries one auth-param', () => {
    const e = withChallenge(new UnauthorizedError(), { realm: undefined, errorDescriptions: true })
    expect(e.headers['www-authenticate']).toBe('Bearer realm="api"')
  })
  it('invalid_token carries error and description', () => {
    const e = withChallenge(new InvalidTokenError('Token has expired'), {
      realm: undefined,
      errorDescriptions: true,
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
    })
    expect(e.headers['www-authenticate']).toBe('Bearer realm="r", error="invalid_token"')
    expect(e.toJSON()).toEqual({ error: 'invalid_token' })
  })
  it('insufficient_scope names the required scopes', () => {
    const e = withChallenge(new InsufficientScopeError(['a', 'b']), {
      realm: undefined,
      errorDescriptions: false,
    })
    expect(e.status).toBe(403)
    expect(e.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="a b"')
  })
  it('503 carries Retry-After and no invalid_token challenge', () => {
    const e = withChallenge(new AuthServerUnavailableError(undefined, 7), {
      realm: 'r',
      errorDescriptions: true,
    })
    expect(e.status).toBe(503)
    expect(e.headers).toEqual({ 'retry-after': '7' })
  })
  it('the stack of an AuthError holds no file paths', () => {
    expect(new InvalidTokenError('x').stack).toBe('InvalidTokenError: x')
  })
})
