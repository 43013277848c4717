/**
 * fast-check over whole requests through each adapter: never a 5xx, never an unhandled
 * rejection, never a 200 for a token that was not minted valid (JWT or opaque).
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import fc from 'fast-check'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LATEST_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(LATEST_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  let app: App
  let opaqueApp: App
  let valid: string
  let opaque: string
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    app = makeApp({
      issuer: issuer.url,
      audience: AUDIENCE,
      bearerMethods: ['header', 'body', 'query'],
    })
    opaqueApp = makeApp({
      issuer: issuer.url,
      audience: AUDIENCE,
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    })
    valid = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    opaque = await issuer.opaqueToken({ sub: 'alice', scope: 'orders:read' })
    await request(app).get('/api/me').set('Authorization', `Bearer ${valid}`) // warm the keys
    expect(
      (await request(opaqueApp).get('/api/me').set('Authorization', `Bearer ${opaque}`)).status,
    ).toBe(200)
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    await issuer.close()
  })
  afterEach(() => {
    expect(unhandled).toEqual([])
  })

  /** Characters Node lets a client put in a header value. */
  const headerChar = fc.constantFrom(
    ...' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'.split(''),
  )
  const headerString = fc.string({ unit: headerChar, maxLength: 200 })

  describe('whole requests', () => {
    it('hostile headers, queries and bodies never produce a 5xx or a 200 on a protected route', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            headerString,
            headerString.map((s) => `Bearer ${s}`),
            fc.constant(`Bearer ${valid}x`),
          ),
          fc.string({ maxLength: 50 }),
          fc.option(
            fc.dictionary(
              fc.constantFrom('access_token', 'x', 'scope'),
              fc.string({ maxLength: 50 }),
            ),
          ),
          async (authorization, query, form) => {
            let req = request(app)
              .post(
                `/api/orders?${new URLSearchParams({ q: query, access_token: query }).toString()}`,
              )
              .set('Authorization', authorization)
            if (form) req = req.type('form').send(form)
            const res = await req
            expect(res.status).toBeGreaterThanOrEqual(400)
            expect(res.status).toBeLessThan(500)
            if (res.status === 401 || res.status === 400) {
              expect(res.headers['www-authenticate']).toMatch(/^Bearer /)
            }
          },
        ),
        { numRuns: 150 },
      )
    })

    it('token bytes: no flipped character of a valid token is accepted', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: valid.length - 1 }),
          fc.constantFrom(...'AZaz09-_.'.split('')),
          async (at, ch) => {
            const token = valid.slice(0, at) + ch + valid.slice(at + 1)
            fc.pre(token !== valid)
            const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)
            expect(res.status).not.toBe(200)
            expect(res.status).toBeLessThan(500)
          },
        ),
        { numRuns: 150 },
      )
    })

    it('opaque tokens: no altered token is accepted through introspection', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: opaque.length - 1 }),
          fc.constantFrom(...'AZaz09-_~+/'.split('')),
          async (at, ch) => {
            const token = opaque.slice(0, at) + ch + opaque.slice(at + 1)
            fc.pre(token !== opaque)
            const res = await request(opaqueApp)
              .get('/api/me')
              .set('Authorization', `Bearer ${token}`)
            expect(res.status).toBe(401)
          },
        ),
        { numRuns: 100 },
      )
    })
  })
})
