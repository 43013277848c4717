import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors/auth-error.js'
import { checkHeader, normalizeTyp } from '../src/jwt/check-header.js'

const algs = new Set(['RS256', 'ES256'])
const fails = (
  header: Record<string, unknown>,
  message: RegExp,
  typ: 'strict' | 'lenient' = 'lenient',
) => {
  expect(() => checkHeader(header, algs, typ)).toThrow(InvalidTokenError)
  expect(() => checkHeader(header, algs, typ)).toThrow(message)
}

describe('checkHeader (RFC 8725 §3.1, RFC 7515 §4.1, RFC 9068 §2.1)', () => {
  it('returns the algorithm of an acceptable header', () => {
    expect(checkHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k' }, algs, 'strict')).toBe('RS256')
  })
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s is never accepted', (alg) =>
    fails({ alg }, /not signed/),
  )
  it('an algorithm outside the allow-list is rejected', () => fails({ alg: 'HS256' }, /algorithm/))
  it('a missing alg is malformed', () => fails({ typ: 'JWT' }, /malformed/))
  it.each(['jku', 'x5u', 'jwk'])('a %s header is rejected', (name) =>
    fails({ alg: 'RS256', [name]: 'http://attacker.example/keys' }, new RegExp(name)),
  )
  it('crit is rejected (no extension is understood)', () =>
    fails({ alg: 'RS256', crit: ['exp'] }, /critical/))
  it('b64:false is rejected', () => fails({ alg: 'RS256', b64: false, crit: ['b64'] }, /critical/))
  it('a non-string kid is malformed', () => fails({ alg: 'RS256', kid: 1 }, /malformed/))
  describe('typ', () => {
    it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+JWT'])(
      'strict accepts %s',
      (typ) => {
        expect(checkHeader({ alg: 'RS256', typ }, algs, 'strict')).toBe('RS256')
      },
    )
    it.each(['JWT', undefined, 'jwt'])('strict rejects %s', (typ) =>
      fails({ alg: 'RS256', typ }, /type/, 'strict'),
    )
    it.each(['at+jwt', 'JWT', 'application/jwt', undefined])('lenient accepts %s', (typ) => {
      expect(checkHeader({ alg: 'RS256', typ }, algs, 'lenient')).toBe('RS256')
    })
    it.each(['dpop+jwt', 'id_token+jwt', 'logout+jwt', 'secevent+jwt', 'JOSE', ''])(
      'lenient rejects another explicit type: %s',
      (typ) => fails({ alg: 'RS256', typ }, /type/),
    )
    it('a non-string typ is rejected', () => fails({ alg: 'RS256', typ: 1 }, /type/))
  })
  it('normalizeTyp', () => {
    expect(normalizeTyp('Application/AT+JWT')).toBe('at+jwt')
  })
})
