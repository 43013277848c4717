/**
 * The authorization server refused, failing, slow, lying: 503 with Retry-After, never 401, never
 * a crash; an endpoint is paused only after several failures in a row (its circuit breaker),
 * and one failure or one garbage answer about one token never fails other tokens.
 */
import { AuthServerUnavailableError, createGuard, type GuardOptions } from '@bearerguard/core'
import { createTestIssuer, type Fault, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LATEST_ADAPTERS, AUDIENCE, type App } from './harness.js'

describe.each(LATEST_ADAPTERS)('%s', (_adapter, makeApp) => {
  let issuer: TestIssuer
  beforeEach(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterEach(() => issuer.close())

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const appFor = (options: Partial<GuardOptions> = {}) =>
    makeApp({
      issuer: issuer.url,
      audience: AUDIENCE,
      timeout: 300,
      ...options,
    } as GuardOptions)
  const call = (a: App, token: string) =>
    request(a).get('/api/me').set('Authorization', `Bearer ${token}`)

  async function expectUnavailable(res: request.Response) {
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(res.headers['www-authenticate'] ?? '').not.toContain('invalid_token')
  }

  describe('JWKS endpoint failures → 503 with Retry-After', () => {
    it('connection refused', async () => {
      const a = appFor({ jwksUri: 'http://127.0.0.1:1/jwks' })
      await expectUnavailable(await call(a, await issuer.token({})))
    })
    it('500', async () => {
      issuer.fault('jwks', { type: 'status', status: 500 })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('404', async () => {
      issuer.fault('jwks', { type: 'status', status: 404 })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('an HTML page', async () => {
      issuer.fault('jwks', { type: 'html' })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('invalid JSON', async () => {
      issuer.fault('jwks', { type: 'invalid-json' })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('JSON that is not a JWK Set', async () => {
      issuer.setJwks({ keys: 'nope' } as never)
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('slow past the timeout', async () => {
      issuer.fault('jwks', { type: 'slow', delayMs: 3000 })
      const started = Date.now()
      await expectUnavailable(await call(appFor({ timeout: 200 }), await issuer.token({})))
      expect(Date.now() - started).toBeLessThan(2500)
    })
    it('never answering', async () => {
      issuer.fault('jwks', { type: 'hang' })
      await expectUnavailable(await call(appFor({ timeout: 200 }), await issuer.token({})))
    })
    it('a huge body', async () => {
      issuer.fault('jwks', { type: 'huge', bytes: 5_000_000 })
      await expectUnavailable(
        await call(appFor({ maxResponseSize: 64 * 1024 }), await issuer.token({})),
      )
    })
    it('a redirect (not followed)', async () => {
      issuer.fault('jwks', { type: 'redirect', location: issuer.jwksUri })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('a reset connection', async () => {
      issuer.fault('jwks', { type: 'reset' })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
  })

  describe('discovery (RFC 8414, then OpenID)', () => {
    it('discovery down → 503', async () => {
      issuer.fault('discovery', { type: 'status', status: 500 })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('a document whose issuer differs from the configured one is not used → 503', async () => {
      issuer.setMetadata({ issuer: `${issuer.url}/` })
      await expectUnavailable(await call(appFor(), await issuer.token({})))
    })
    it('only OpenID discovery served: falls back to openid-configuration', async () => {
      const oidc = await createTestIssuer({ audience: AUDIENCE, discovery: 'openid' })
      try {
        const a = makeApp({ issuer: oidc.url, audience: AUDIENCE })
        expect((await call(a, await oidc.token({}))).status).toBe(200)
      } finally {
        await oidc.close()
      }
    })
    it('an issuer with a path (RFC 8414 §3.1 well-known insertion)', async () => {
      const tenant = await createTestIssuer({
        audience: AUDIENCE,
        path: '/tenants/a',
        discovery: 'oauth',
      })
      try {
        const a = makeApp({ issuer: tenant.url, audience: AUDIENCE })
        expect((await call(a, await tenant.token({}))).status).toBe(200)
      } finally {
        await tenant.close()
      }
    })
    it('concurrent first requests share one discovery and one JWKS fetch', async () => {
      const a = appFor()
      const token = await issuer.token({})
      const answers = await Promise.all(Array.from({ length: 20 }, () => call(a, token)))
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(issuer.requestCount('discovery')).toBe(1)
      expect(issuer.requestCount('jwks')).toBe(1)
    })
  })

  describe('known keys while the JWKS endpoint is down', () => {
    it('keep verifying', async () => {
      const a = appFor({ jwksCacheMaxAge: 0 })
      const token = await issuer.token({})
      expect((await call(a, token)).status).toBe(200)
      issuer.fault('jwks', { type: 'status', status: 500 })
      for (let i = 0; i < 3; i++) expect((await call(a, token)).status).toBe(200)
      expect(issuer.requestCount('jwks')).toBeGreaterThan(1) // background refreshes were tried
    })
    it('only for a bounded window (jwksStaleWindow)', async () => {
      const a = appFor({ jwksCacheMaxAge: 0, jwksStaleWindow: 1 })
      const token = await issuer.token({})
      expect((await call(a, token)).status).toBe(200)
      issuer.fault('all', { type: 'status', status: 500 })
      await sleep(1100)
      await expectUnavailable(await call(a, token))
    })
    it('an unknown kid while the JWKS is down → 503, not 401', async () => {
      const a = appFor({ jwksCooldown: 0 })
      expect((await call(a, await issuer.token({}))).status).toBe(200)
      issuer.fault('jwks', { type: 'status', status: 500 })
      await expectUnavailable(await call(a, await issuer.token({}, { header: { kid: 'new-key' } })))
    })
  })

  describe('unknown kid refetch under a cooldown', () => {
    it('a flood of unknown kids costs at most one fetch per cooldown', async () => {
      const a = appFor({ jwksCooldown: 2 })
      expect((await call(a, await issuer.token({}))).status).toBe(200)
      await sleep(2100)
      const before = issuer.requestCount('jwks')
      const forged = await Promise.all(
        Array.from({ length: 60 }, (_, i) => issuer.token({}, { header: { kid: `random-${i}` } })),
      )
      const answers = []
      for (let i = 0; i < 60; i += 20) {
        answers.push(...(await Promise.all(forged.slice(i, i + 20).map((t) => call(a, t)))))
      }
      expect(answers.every((r) => r.status === 401)).toBe(true)
      expect(issuer.requestCount('jwks') - before).toBe(1)
    })
    it('with the default cooldown, a key rotated in verifies within 5 s', async () => {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
      const a = makeApp(guard)
      expect((await call(a, await issuer.token({}))).status).toBe(200)
      await issuer.rotateKeys({ keepPrevious: true })
      const rotated = Date.now()
      const token = await issuer.token({})
      let status = 0
      while (Date.now() - rotated < 5000) {
        status = (await call(a, token)).status
        if (status === 200) break
        expect(status).toBe(401)
        await sleep(200)
      }
      expect(status).toBe(200)
    })
  })

  describe('discovery failures of every kind → 503 fast', () => {
    const faults: Array<[string, Parameters<TestIssuer['fault']>[1]]> = [
      ['slow', { type: 'slow', delayMs: 3000 }],
      ['an HTML page', { type: 'html' }],
      ['a huge body', { type: 'huge', bytes: 5_000_000 }],
      [
        'a redirect',
        { type: 'redirect', location: 'https://evil.example/.well-known/openid-configuration' },
      ],
      ['a reset connection', { type: 'reset' }],
    ]
    it.each(faults)('%s', async (_what, fault) => {
      issuer.fault('discovery', fault)
      const started = Date.now()
      await expectUnavailable(
        await call(appFor({ timeout: 200, maxResponseSize: 64 * 1024 }), await issuer.token({})),
      )
      expect(Date.now() - started).toBeLessThan(2000)
    })
    it('the whole authorization server refused (discovery at a closed port)', async () => {
      const a = makeApp({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE, timeout: 300 })
      const started = Date.now()
      await expectUnavailable(await call(a, await issuer.token({ iss: 'http://127.0.0.1:1' })))
      expect(Date.now() - started).toBeLessThan(1000)
    })
  })

  describe('the introspection endpoint refused', () => {
    it('→ 503 fast, and recovers when it is back', async () => {
      const a = appFor({
        introspection: {
          clientId: 'test-client',
          clientSecret: 'test-secret',
          endpoint: 'http://127.0.0.1:1/introspect',
        },
      })
      const token = await issuer.opaqueToken({})
      const started = Date.now()
      await expectUnavailable(await call(a, token))
      expect(Date.now() - started).toBeLessThan(1000)
      const healthy = appFor({
        introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
      })
      issuer.fault('introspection', { type: 'reset' })
      await expectUnavailable(await call(healthy, token))
      issuer.fault('introspection', undefined)
      expect((await call(healthy, token)).status).toBe(200) // one failure pauses nothing
    })
  })

  describe('one failure, or one garbage answer about one token, never fails other tokens', () => {
    const introspecting = () =>
      appFor({
        introspection: { clientId: 'test-client', clientSecret: 'test-secret', cache: { ttl: 0 } },
      })
    const garbage: Array<[string, () => Promise<string>]> = [
      ['active: "true" about one token', () => issuer.opaqueToken({}, { raw: { active: 'true' } })],
      [
        'one answer that is not JSON',
        () => {
          issuer.fault('introspection', { type: 'invalid-json' }, { times: 1 })
          return issuer.opaqueToken({})
        },
      ],
      [
        'one 500',
        () => {
          issuer.fault('introspection', { type: 'status', status: 500 }, { times: 1 })
          return issuer.opaqueToken({})
        },
      ],
    ]
    it.each(garbage)('%s: that token 503, the next ones 200', async (_what, badToken) => {
      const a = introspecting()
      const bad = await badToken()
      const good = await Promise.all([issuer.opaqueToken({}), issuer.opaqueToken({})])
      await expectUnavailable(await call(a, bad))
      for (const token of good) expect((await call(a, token)).status).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(3)
    })
    it('the same garbage answer again and again, between other tokens, never pauses the endpoint', async () => {
      const a = introspecting()
      const bad = await issuer.opaqueToken({}, { raw: { active: 'true' } })
      for (let i = 0; i < 12; i++) {
        await expectUnavailable(await call(a, bad))
        expect((await call(a, await issuer.opaqueToken({}))).status).toBe(200)
      }
    })
    it('one failed JWKS refetch fails only the token that needed it', async () => {
      const a = appFor({ jwksCooldown: 0 })
      expect((await call(a, await issuer.token({}))).status).toBe(200)
      issuer.fault('jwks', { type: 'status', status: 500 }, { times: 1 })
      await expectUnavailable(await call(a, await issuer.token({}, { header: { kid: 'next' } })))
      await issuer.rotateKeys({ keepPrevious: true })
      expect((await call(a, await issuer.token({}))).status).toBe(200) // fetched at once
    })
    it('an endpoint failing again and again is paused after a few failures in a row', async () => {
      const a = introspecting()
      issuer.fault('introspection', { type: 'status', status: 500 })
      for (let i = 0; i < 20; i++)
        await expectUnavailable(await call(a, await issuer.opaqueToken({})))
      const calls = issuer.requestCount('introspection')
      expect(calls).toBeGreaterThan(1) // not paused after the first
      expect(calls).toBeLessThan(20) // but not asked for every request either
    })
  })

  describe('keys rotated during an outage', () => {
    const outages: Array<[string, Fault]> = [
      ['connections reset', { type: 'reset' }],
      ['500', { type: 'status', status: 500 }],
      ['an HTML page', { type: 'html' }],
    ]
    it.each(outages)(
      '%s: the new key is 503 (never 401) until the server is back, then accepted within 5 s',
      async (_what, fault) => {
        const a = appFor({ jwksCooldown: 1 })
        const old = await issuer.token({ sub: 'old' })
        expect((await call(a, old)).status).toBe(200)
        // a kid missing from a set fetched successfully less than a cooldown ago is a 401
        // without a refetch (a flood of made-up kids costs one fetch per cooldown)
        await sleep(1100)
        issuer.fault('all', fault)
        await issuer.rotateKeys({ keepPrevious: true })
        const rotated = await issuer.token({ sub: 'rotated' })
        const outageEnds = Date.now() + 2000
        while (Date.now() < outageEnds) {
          await expectUnavailable(await call(a, rotated))
          expect((await call(a, old)).status).toBe(200) // known keys keep verifying
          await sleep(100)
        }
        issuer.fault('all', undefined)
        const back = Date.now()
        let status = 0
        while (Date.now() - back < 5000) {
          const res = await call(a, rotated)
          status = res.status
          if (status === 200) break
          await expectUnavailable(res)
          await sleep(100)
        }
        expect(status).toBe(200)
      },
    )
  })

  describe('key rotation under load', () => {
    it('every answer stays 200 while keys rotate under concurrent load, with single-flight refetches', async () => {
      const a = appFor({ jwksCooldown: 0 })
      const before = await issuer.token({ sub: 'old-key' })
      expect((await call(a, before)).status).toBe(200)
      const statuses: number[] = []
      let rotations = 0
      const load = (async () => {
        for (let round = 0; round < 8; round++) {
          const fresh = await issuer.token({ sub: `round-${round}` })
          const answers = await Promise.all(
            Array.from({ length: 25 }, (_, i) => call(a, i % 2 ? before : fresh)),
          )
          statuses.push(...answers.map((r) => r.status))
        }
      })()
      const rotate = (async () => {
        for (let i = 0; i < 4; i++) {
          await sleep(30)
          await issuer.rotateKeys({ keepPrevious: true })
          rotations++
        }
      })()
      await Promise.all([load, rotate])
      expect(rotations).toBe(4)
      expect(statuses).toHaveLength(200)
      expect(new Set(statuses)).toEqual(new Set([200]))
      // single flight: far fewer JWKS fetches than requests that met an unknown kid
      expect(issuer.requestCount('jwks')).toBeLessThanOrEqual(1 + 8 + 4)
    })
  })

  describe('recovery', () => {
    it('recovers by itself once the authorization server does (failures are not cached)', async () => {
      const a = appFor()
      const token = await issuer.token({})
      issuer.fault('all', { type: 'status', status: 503 })
      await expectUnavailable(await call(a, token))
      issuer.fault('all', undefined)
      let status = 0
      const started = Date.now()
      while (Date.now() - started < 5000) {
        status = (await call(a, token)).status
        if (status === 200) break
        expect(status).toBe(503)
        await sleep(100)
      }
      expect(status).toBe(200)
    })
    it('pauses a failing endpoint: after a few failures in a row, a 503 without a new fetch', async () => {
      const a = appFor()
      const token = await issuer.token({})
      issuer.fault('discovery', { type: 'status', status: 500 })
      let fetched = -1
      let calls = 0
      for (let i = 0; i < 10 && fetched !== 0; i++) {
        const before = issuer.requestCount('discovery')
        await expectUnavailable(await call(a, token))
        fetched = issuer.requestCount('discovery') - before
        calls++
      }
      expect(fetched).toBe(0) // paused
      expect(calls).toBeGreaterThan(2) // but not after one failure
    })
  })

  describe('guard.ready()', () => {
    it('pre-warms discovery and keys', async () => {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
      await guard.ready()
      expect(issuer.requestCount('discovery')).toBe(1)
      expect(issuer.requestCount('jwks')).toBe(1)
      const a = makeApp(guard)
      expect((await call(a, await issuer.token({}))).status).toBe(200)
      expect(issuer.requestCount('jwks')).toBe(1)
    })
    it('rejects with AuthServerUnavailableError when the server is unreachable', async () => {
      const guard = createGuard({
        issuer: issuer.url,
        audience: AUDIENCE,
        jwksUri: 'http://127.0.0.1:1/jwks',
        timeout: 300,
      })
      await expect(guard.ready()).rejects.toBeInstanceOf(AuthServerUnavailableError)
    })
    it('after close(), requests get 503', async () => {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
      await guard.close()
      await expectUnavailable(await call(makeApp(guard), await issuer.token({})))
    })
  })
})
