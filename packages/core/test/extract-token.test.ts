import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../src/errors/auth-error.js'
import { extractToken, type BearerMethod } from '../src/extract/extract-token.js'
import type { RequestLike } from '../src/request/request-like.js'

const all: BearerMethod[] = ['header', 'body', 'query']
const req = (over: Partial<RequestLike>): RequestLike => ({
  method: 'GET',
  url: 'https://api.example.com/orders',
  headers: {},
  ...over,
})
const form = { 'content-type': 'application/x-www-form-urlencoded' }

function rejects(request: RequestLike, methods: BearerMethod[] = ['header']) {
  expect(() => extractToken(request, methods)).toThrow(InvalidRequestError)
}

describe('extractToken — RFC 6750 §2.1 Authorization header', () => {
  it('reads a Bearer token', () => {
    expect(
      extractToken(req({ headers: { authorization: 'Bearer abc.DEF-_~+/=' } }), ['header']),
    ).toEqual({
      token: 'abc.DEF-_~+/=',
      method: 'header',
      scheme: 'Bearer',
    })
  })
  it.each(['bearer abc', 'BEARER abc', 'BeArEr abc'])('accepts the scheme in any case: %s', (h) => {
    expect(extractToken(req({ headers: { authorization: h } }), ['header'])?.token).toBe('abc')
  })
  it('accepts several spaces between scheme and token', () => {
    expect(
      extractToken(req({ headers: { authorization: 'Bearer    abc' } }), ['header'])?.token,
    ).toBe('abc')
  })
  it('accepts trailing "=" padding only at the end', () => {
    expect(
      extractToken(req({ headers: { authorization: 'Bearer abc==' } }), ['header'])?.token,
    ).toBe('abc==')
    rejects(req({ headers: { authorization: 'Bearer ab=c' } }))
  })
  it('no Authorization header: no credentials', () => {
    expect(extractToken(req({}), ['header'])).toBeUndefined()
  })
  it.each(['Basic dXNlcjpwYXNz', 'Digest username="x"', 'Bearerabc', 'Token abc'])(
    'another scheme is no bearer credentials: %s',
    (h) => expect(extractToken(req({ headers: { authorization: h } }), ['header'])).toBeUndefined(),
  )
  it.each([
    ['empty token', 'Bearer'],
    ['only spaces', 'Bearer    '],
    ['tab separator', 'Bearer\tabc'],
    ['space inside the token', 'Bearer abc def'],
    ['comma', 'Bearer abc,def'],
    ['quotes', 'Bearer "abc"'],
    ['auth-param syntax', 'Bearer token=abc'],
    ['non-ASCII', 'Bearer abcé'],
    ['control character', 'Bearer abc\u0001'],
  ])('400 invalid_request for %s', (_name, h) => rejects(req({ headers: { authorization: h } })))
  it('two Authorization headers with a bearer → 400', () => {
    rejects(req({ headers: { authorization: ['Bearer a', 'Bearer b'] } }))
  })
})

describe('extractToken — RFC 6750 §2.2 form body', () => {
  const post = (body: unknown, headers: Record<string, string> = form) =>
    req({ method: 'POST', headers, body })
  it('reads access_token from a form body when enabled', () => {
    expect(extractToken(post({ access_token: 'abc' }), all)).toEqual({
      token: 'abc',
      method: 'body',
      scheme: 'Bearer',
    })
  })
  it('accepts a charset parameter on the content type', () => {
    const r = post(
      { access_token: 'abc' },
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    )
    expect(extractToken(r, all)?.token).toBe('abc')
  })
  it('ignores access_token in a JSON body', () => {
    expect(
      extractToken(post({ access_token: 'abc' }, { 'content-type': 'application/json' }), all),
    ).toBeUndefined()
  })
  it('400 when the body method is disabled', () => rejects(post({ access_token: 'abc' })))
  it('400 in the body of a GET', () =>
    rejects(req({ method: 'GET', headers: form, body: { access_token: 'a' } }), all))
  it('400 for an empty body token', () => rejects(post({ access_token: '' }), all))
  it('400 for a repeated body parameter', () => rejects(post({ access_token: ['a', 'b'] }), all))
})

describe('extractToken — RFC 6750 §2.3 query', () => {
  it('reads access_token from the query when enabled', () => {
    expect(extractToken(req({ url: '/orders?x=1&access_token=abc' }), all)).toEqual({
      token: 'abc',
      method: 'query',
      scheme: 'Bearer',
    })
  })
  it('400 when the query method is disabled (the default)', () =>
    rejects(req({ url: '/orders?access_token=abc' })))
  it('400 for a repeated query parameter', () =>
    rejects(req({ url: '/o?access_token=a&access_token=b' }), all))
  it('400 for an empty query token', () => rejects(req({ url: '/o?access_token=' }), all))
  it('ignores a fragment', () => {
    expect(extractToken(req({ url: '/o#access_token=abc' }), all)).toBeUndefined()
  })
})

describe('extractToken — more than one method (RFC 6750 §2)', () => {
  it('header and query → 400', () =>
    rejects(req({ url: '/o?access_token=a', headers: { authorization: 'Bearer b' } }), all))
  it('header and body → 400', () =>
    rejects(
      req({
        method: 'POST',
        headers: { ...form, authorization: 'Bearer b' },
        body: { access_token: 'a' },
      }),
      all,
    ))
  it('body and query → 400', () =>
    rejects(
      req({ method: 'POST', url: '/o?access_token=a', headers: form, body: { access_token: 'a' } }),
      all,
    ))
  it('a Basic header does not count as a bearer method', () => {
    expect(
      extractToken(req({ url: '/o?access_token=a', headers: { authorization: 'Basic eA==' } }), all)
        ?.method,
    ).toBe('query')
  })
})
