import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors/auth-error.js'
import { looksLikeJws } from '../src/jwt/looks-like-jws.js'
import { canonical, peekJwt } from '../src/jwt/peek-jwt.js'

const b64 = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const sig = 'c2ln'
const fails = (token: string, message: RegExp) => {
  expect(() => peekJwt(token)).toThrow(InvalidTokenError)
  expect(() => peekJwt(token)).toThrow(message)
}

describe('peekJwt', () => {
  it('decodes header and claims of a compact JWS', () => {
    const token = `${b64({ alg: 'RS256' })}.${b64({ sub: 'a' })}.${sig}`
    const peeked = peekJwt(token)
    expect(peeked).toMatchObject({ header: { alg: 'RS256' }, claims: { sub: 'a' } })
    expect(peeked.signingInput).toBe(token.slice(0, token.lastIndexOf('.')))
    expect(Buffer.from(peeked.signature).toString('base64url')).toBe(sig)
  })
  it('a JWE (five parts) is not accepted', () => fails('a.b.c.d.e', /JWE/))
  it.each(['abc', 'a.b', 'a.b.c.d'])('%s is not a JWT', (t) => fails(t, /not a JWT/))
  it('an empty signature (alg none style) is not signed', () =>
    fails(`${b64({ alg: 'none' })}.${b64({})}.`, /not signed/))
  it('an array payload is malformed', () =>
    fails(`${b64({ alg: 'RS256' })}.${b64([1, 2])}.${sig}`, /malformed/))
  it('a string payload is malformed', () =>
    fails(`${b64({ alg: 'RS256' })}.${b64('"x"')}.${sig}`, /malformed/))
  it('invalid UTF-8 in the payload is malformed', () => {
    const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString(
      'base64url',
    )
    fails(`${b64({ alg: 'RS256' })}.${bad}.${sig}`, /malformed/)
  })
  it('non-base64url characters are malformed', () =>
    fails(`${b64({ alg: 'RS256' })}.a+b/.${sig}`, /malformed/))
  it('base64 padding is malformed', () =>
    fails(`${b64({ alg: 'RS256' })}=.${b64({})}.${sig}`, /malformed/))
  it('JSON serialisation is not a JWT', () =>
    fails(JSON.stringify({ payload: 'x', signatures: [] }), /not a JWT/))
  it('a non-canonical base64url spelling is malformed', () => {
    // 'c2lo' and 'c2lp' differ only in unused low bits of the last character
    expect(peekJwt(`${b64({ alg: 'RS256' })}.${b64({})}.c2lnbg`).claims).toEqual({})
    fails(`${b64({ alg: 'RS256' })}.${b64({})}.c2lnbh`, /malformed/)
  })
  it('a header that is not JSON is malformed', () =>
    fails(`${b64('nope')}.${b64({})}.${sig}`, /malformed/))
})

describe('canonical base64url', () => {
  it('is exactly the spelling that decodes and encodes back to itself', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 12 }),
        (chars) => {
          const part = chars.join('')
          expect(canonical(part)).toBe(
            Buffer.from(part, 'base64url').toString('base64url') === part,
          )
        },
      ),
      { numRuns: 5000 },
    )
  })
  it('refuses padding and characters outside the alphabet', () => {
    for (const part of ['ab==', 'ab+c', 'ab/c', 'a b', '']) expect(canonical(part)).toBe(false)
  })
})

describe('looksLikeJws (tokenFormat auto: which tokens are verified as JWTs)', () => {
  it.each([
    ['eyJhbGciOiJSUzI1NiJ9.e30.c2ln', true],
    ['eyJhbGciOiJSUzI1NiJ9.e30.', true], // JWS-shaped: the JWT path refuses it (not signed)
    ['2YotnFZFEjr1zCsicMWpAA', false],
    ['abc.def.ghi', false], // the header is not a JSON object
    ['eyJhbGciOiJSUzI1NiJ9.e30', false],
    ['eyJ.a.b.c.d', false], // five parts: JWE, never introspected as JWS either
    ['eyJ', false],
  ])('%s → %s', (token, expected) => expect(looksLikeJws(token)).toBe(expected))
})
