/** Property-based tests: no input makes the guard throw anything but an AuthError, or pass a forged token. */
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard, type Guard } from '../src/guard/create-guard.js'
import type { RequestLike } from '../src/request/request-like.js'

const ISSUER = 'https://as.example.com'
const AUDIENCE = 'https://api.example.com'
let guard: Guard
let privateKey: CryptoKey
let privateKeyPublic: CryptoKey
let valid: string

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKey = pair.privateKey
  privateKeyPublic = pair.publicKey
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  guard = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: [jwk],
    bearerMethods: ['header', 'body', 'query'],
  })
  valid = await new SignJWT({ sub: 'alice', scope: 'a b' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey)
})

/** Runs authenticate; returns 'ok' or the AuthError's status. Anything else fails the test. */
async function outcome(request: RequestLike): Promise<'ok' | number> {
  try {
    await guard.authenticate(request)
    return 'ok'
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    const status = (error as AuthError).status
    expect([400, 401]).toContain(status)
    return status
  }
}

const anyHeaderValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(
      fc.constantFrom('Bearer ', 'bearer  ', 'BEARER\t', 'Bearer', 'Basic ', 'DPoP ', ''),
      fc.string(),
    )
    .map(([a, b]) => a + b),
  fc.array(fc.string(), { maxLength: 3 }),
)

describe('header parsing', () => {
  it('any Authorization, Content-Type, URL and body gives an AuthError (400/401) or an AuthInfo', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyHeaderValue,
        fc.option(
          fc.constantFrom(
            'application/x-www-form-urlencoded',
            'application/json',
            'text/plain;;',
            '',
          ),
        ),
        fc.string(),
        fc.option(fc.oneof(fc.object(), fc.record({ access_token: fc.anything() }), fc.string())),
        fc.constantFrom('GET', 'POST', 'PUT', 'get', ''),
        async (authorization, contentType, path, body, method) => {
          const headers: Record<string, string | string[]> = { authorization }
          if (contentType) headers['content-type'] = contentType
          const result = await outcome({
            method,
            url: `https://api.example.com/${path}`,
            headers,
            body,
          })
          expect(result).not.toBe('ok')
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('token parsing', () => {
  it('the minted token is accepted (the property below is not vacuous)', async () => {
    expect(
      await outcome({ method: 'GET', url: '/', headers: { authorization: `Bearer ${valid}` } }),
    ).toBe('ok')
  })

  it('no mutation of a valid token is accepted', async () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('replace' as const),
        at: fc.nat(),
        ch: fc.string({ minLength: 1, maxLength: 1 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        ch: fc.string({ minLength: 1, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), ch: fc.constant('') }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), ch: fc.constant('') }),
    )
    await fc.assert(
      fc.asyncProperty(mutation, async ({ kind, at, ch }) => {
        const i = at % valid.length
        const token =
          kind === 'replace'
            ? valid.slice(0, i) + ch + valid.slice(i + 1)
            : kind === 'insert'
              ? valid.slice(0, i) + ch + valid.slice(i)
              : kind === 'delete'
                ? valid.slice(0, i) + valid.slice(i + 1)
                : valid.slice(0, i)
        fc.pre(token !== valid)
        const result = await outcome({
          method: 'GET',
          url: '/',
          headers: { authorization: `Bearer ${token}` },
        })
        expect(result).not.toBe('ok')
      }),
      { numRuns: 1000 },
    )
  })

  it('arbitrary JSON headers and payloads with any signature are rejected as 401', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            alg: fc.constantFrom('RS256', 'none', 'HS256', 'ES256'),
            kid: fc.string(),
            typ: fc.string(),
          }),
        ),
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            iss: fc.constantFrom(ISSUER, 'x'),
            aud: fc.jsonValue(),
            exp: fc.jsonValue(),
          }),
        ),
        fc.uint8Array({ maxLength: 300 }),
        async (header, payload, signature) => {
          const token = `${b64(header)}.${b64(payload)}.${Buffer.from(signature).toString('base64url')}`
          const result = await outcome({
            method: 'GET',
            url: '/',
            headers: { authorization: `Bearer ${token}` },
          })
          expect(result).not.toBe('ok')
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('DPoP proofs', () => {
  const URL_ = 'https://api.example.com/orders'
  let bound: string
  let dpopKey: CryptoKey
  let dpopJwk: Record<string, unknown>
  let dpopGuard: Guard

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    dpopKey = pair.privateKey
    const { kty, crv, x, y } = await exportJWK(pair.publicKey)
    dpopJwk = { kty, crv, x, y }
    const jkt = await calculateJwkThumbprint(dpopJwk as never, 'sha256')
    const issuerJwk = {
      ...(await exportJWK(privateKeyPublic)),
      kid: 'k1',
      alg: 'RS256',
      use: 'sig',
    }
    dpopGuard = createGuard({ issuer: ISSUER, audience: AUDIENCE, keys: [issuerJwk] })
    bound = await new SignJWT({ sub: 'alice', cnf: { jkt } })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign(privateKey)
  })

  const proof = () =>
    new SignJWT({
      jti: crypto.randomUUID(),
      htm: 'GET',
      htu: URL_,
      ath: createHash('sha256').update(bound).digest('base64url'),
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: dpopJwk as never })
      .setIssuedAt()
      .sign(dpopKey)

  async function dpopOutcome(dpop: string | string[] | undefined): Promise<'ok' | number> {
    try {
      await dpopGuard.authenticate({
        method: 'GET',
        url: URL_,
        headers: { authorization: `DPoP ${bound}`, ...(dpop === undefined ? {} : { dpop }) },
      })
      return 'ok'
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError)
      expect([400, 401]).toContain((error as AuthError).status)
      return (error as AuthError).status
    }
  }

  it('a fresh proof is accepted (the properties below are not vacuous)', async () => {
    expect(await dpopOutcome(await proof())).toBe('ok')
  })

  it('any DPoP header value is a 400/401, never an exception or a pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.oneof(
            fc.string(),
            fc.string({ unit: 'binary' }),
            fc.array(fc.string(), { maxLength: 3 }),
            fc
              .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 80 }))
              .map(([h, p, sig]) =>
                [JSON.stringify(h) ?? 'null', JSON.stringify(p) ?? 'null', sig]
                  .map((part) => Buffer.from(part).toString('base64url'))
                  .join('.'),
              ),
          ),
        ),
        async (dpop) => {
          expect(await dpopOutcome(dpop ?? undefined)).not.toBe('ok')
        },
      ),
      { numRuns: 300 },
    )
  })

  it('no mutation of a valid proof is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.string({ minLength: 1, maxLength: 2 }), async (at, ch) => {
        const valid = await proof()
        const i = at % valid.length
        const mutated = valid.slice(0, i) + ch + valid.slice(i + 1)
        fc.pre(mutated !== valid)
        expect(await dpopOutcome(mutated)).not.toBe('ok')
      }),
      { numRuns: 300 },
    )
  })
})
