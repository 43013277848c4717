/**
 * Failing endpoints through the whole guard, against the testing kit's real authorization
 * server and its fault modes: each endpoint (discovery, JWKS, introspection) has a circuit
 * breaker that pauses it only after several failures in a row, lets one probe through while
 * paused, and is closed by a success; one failure, or one garbage answer about one token,
 * never fails other tokens; a key that cannot be looked up is a 503, never a 401.
 *
 * The clock the guard reads (`Date`) is faked, so pauses and cooldowns pass without waiting;
 * timers and the network are real.
 */
import { createTestIssuer, type Fault, type TestIssuer } from '@bearerguard/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../src/errors/auth-error.js'
import { createGuard, type Guard } from '../src/guard/create-guard.js'
import { DEFAULT_FAILURE_THRESHOLD, DEFAULT_MAX_OPEN_MS } from '../src/http/circuit-breaker.js'
import type { GuardOptions } from '../src/options/guard-options.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
  issuer.fault('all', undefined)
  issuer.setJwks(undefined)
  issuer.resetCounts()
})
afterEach(() => vi.useRealTimers())

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms)

const guardOf = (options: Partial<GuardOptions> = {}): Guard =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, timeout: 1000, ...options } as GuardOptions)
const withIntrospection = (options: Partial<GuardOptions> = {}) =>
  guardOf({
    introspection: {
      clientId: 'test-client',
      clientSecret: 'test-secret',
      cache: { ttl: 0 },
    },
    ...options,
  })

/** The answer's status and, for an error, its description and Retry-After. */
async function answer(guard: Guard, token: string) {
  try {
    await guard.authenticate({
      method: 'GET',
      url: 'https://api.example.com/orders',
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: 200 }
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    return {
      status: error.status,
      description: error.description,
      retryAfter: error.headers['retry-after'],
    }
  }
}
const status = async (guard: Guard, token: string) => (await answer(guard, token)).status
const opaque = () => issuer.opaqueToken({ scope: 'orders:read' })

describe('introspection endpoint', () => {
  const oneBadAnswer: Array<[string, () => Promise<string>]> = [
    ['active: "true" about one token', () => issuer.opaqueToken({}, { raw: { active: 'true' } })],
    [
      'one answer that is not JSON',
      async () => {
        issuer.fault('introspection', { type: 'invalid-json' }, { times: 1 })
        return opaque()
      },
    ],
    [
      'one 500',
      async () => {
        issuer.fault('introspection', { type: 'status', status: 500 }, { times: 1 })
        return opaque()
      },
    ],
  ]
  it.each(oneBadAnswer)(
    '%s: a 503 for that token only; the next tokens are introspected and accepted',
    async (_what, badToken) => {
      const guard = withIntrospection()
      const bad = await badToken()
      const good = await Promise.all([opaque(), opaque(), opaque()])
      const failed = await answer(guard, bad)
      expect(failed.status).toBe(503)
      expect(Number(failed.retryAfter)).toBeGreaterThanOrEqual(1)
      for (const token of good) expect(await status(guard, token)).toBe(200)
      expect(issuer.requestCount('introspection')).toBe(4)
    },
  )

  it('the same garbage answer again and again, between other tokens, never pauses the endpoint', async () => {
    const guard = withIntrospection()
    const bad = await issuer.opaqueToken({}, { raw: { active: 'true' } })
    for (let i = 0; i < 3 * DEFAULT_FAILURE_THRESHOLD; i++) {
      expect(await status(guard, bad)).toBe(503)
      expect(await status(guard, await opaque())).toBe(200)
    }
  })

  it(`opens after ${DEFAULT_FAILURE_THRESHOLD} failures in a row: then a fast 503 without a call`, async () => {
    const guard = withIntrospection()
    issuer.fault('introspection', { type: 'status', status: 500 })
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) {
      expect(await status(guard, await opaque())).toBe(503)
    }
    expect(issuer.requestCount('introspection')).toBe(DEFAULT_FAILURE_THRESHOLD)
    for (let i = 0; i < 10; i++) {
      const paused = await answer(guard, await opaque())
      expect(paused.status).toBe(503)
      expect(Number(paused.retryAfter)).toBeGreaterThanOrEqual(1)
    }
    expect(issuer.requestCount('introspection')).toBe(DEFAULT_FAILURE_THRESHOLD)
  })

  it('while open, one probe at a time; its success closes the circuit', async () => {
    const guard = withIntrospection()
    issuer.fault('introspection', { type: 'reset' })
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) await status(guard, await opaque())
    issuer.fault('introspection', { type: 'slow', delayMs: 300 }) // back, and slow enough to overlap
    advance(DEFAULT_MAX_OPEN_MS)
    const before = issuer.requestCount('introspection')
    const tokens = await Promise.all(Array.from({ length: 10 }, () => opaque()))
    const statuses = await Promise.all(tokens.map((token) => status(guard, token)))
    expect(issuer.requestCount('introspection') - before).toBe(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 503)).toHaveLength(9)
    issuer.fault('introspection', undefined)
    for (const token of tokens) expect(await status(guard, token)).toBe(200)
  })

  it('a failed probe keeps it open; the endpoint is used again at most a second after it is back', async () => {
    const guard = withIntrospection()
    issuer.fault('introspection', { type: 'status', status: 503 })
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) await status(guard, await opaque())
    // a long outage: a probe each time the circuit lets one through, all failing
    for (let t = 0; t < 30_000; t += 250) {
      advance(250)
      expect(await status(guard, await opaque())).toBe(503)
    }
    const probes = issuer.requestCount('introspection') - DEFAULT_FAILURE_THRESHOLD
    expect(probes).toBeGreaterThanOrEqual(30) // at least one a second
    expect(probes).toBeLessThanOrEqual(60) // not one per request
    issuer.fault('introspection', undefined)
    const back = Date.now()
    let s = 503
    while (s === 503 && Date.now() - back <= DEFAULT_MAX_OPEN_MS) {
      s = await status(guard, await opaque())
      if (s === 503) advance(50)
    }
    expect(s).toBe(200)
  })
})

describe('JWKS endpoint', () => {
  it(`opens after ${DEFAULT_FAILURE_THRESHOLD} failed fetches in a row, not after one`, async () => {
    const guard = guardOf({ jwksCooldown: 0 })
    issuer.fault('jwks', { type: 'status', status: 500 })
    const token = await issuer.token({})
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) expect(await status(guard, token)).toBe(503)
    expect(issuer.requestCount('jwks')).toBe(DEFAULT_FAILURE_THRESHOLD)
    for (let i = 0; i < 5; i++) expect(await status(guard, token)).toBe(503)
    expect(issuer.requestCount('jwks')).toBe(DEFAULT_FAILURE_THRESHOLD)
    issuer.fault('jwks', undefined)
    advance(DEFAULT_MAX_OPEN_MS)
    expect(await status(guard, token)).toBe(200) // the probe, which closes it
    expect(issuer.requestCount('jwks')).toBe(DEFAULT_FAILURE_THRESHOLD + 1)
  })

  it('while open, concurrent requests share the one probe', async () => {
    const guard = guardOf()
    issuer.fault('jwks', { type: 'html' })
    const token = await issuer.token({})
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) await status(guard, token)
    issuer.fault('jwks', { type: 'slow', delayMs: 200 })
    advance(DEFAULT_MAX_OPEN_MS)
    const statuses = await Promise.all(Array.from({ length: 10 }, () => status(guard, token)))
    expect(statuses).toEqual(Array(10).fill(200))
    expect(issuer.requestCount('jwks')).toBe(DEFAULT_FAILURE_THRESHOLD + 1)
  })

  it('one failed refetch fails only the token that needed it; the next unknown kid is fetched at once', async () => {
    const guard = guardOf({ jwksCooldown: 0 })
    expect(await status(guard, await issuer.token({}))).toBe(200)
    issuer.fault('jwks', { type: 'status', status: 500 }, { times: 1 })
    expect(await status(guard, await issuer.token({}, { header: { kid: 'not-yet' } }))).toBe(503)
    await issuer.rotateKeys({ keepPrevious: true })
    expect(await status(guard, await issuer.token({}))).toBe(200)
  })

  it('an unknown kid while the JWKS cannot be fetched is a 503 every time, never a 401', async () => {
    const guard = guardOf() // the default cooldown of 3 s
    expect(await status(guard, await issuer.token({}))).toBe(200)
    advance(5_000)
    issuer.fault('jwks', { type: 'reset' })
    const unknown = await issuer.token({}, { header: { kid: 'new-key' } })
    // failed attempts start no cooldown, and the circuit opening changes 503 into a fast 503
    for (let i = 0; i < 3 * DEFAULT_FAILURE_THRESHOLD; i++) {
      const { status: s, description } = await answer(guard, unknown)
      expect(s, description).toBe(503)
      advance(100)
    }
  })

  it('a kid missing from a set fetched successfully within the cooldown is a 401, without a fetch', async () => {
    const guard = guardOf({ jwksCooldown: 3 })
    expect(await status(guard, await issuer.token({}))).toBe(200)
    const unknown = await issuer.token({}, { header: { kid: 'no-such-key' } })
    const { status: s, description } = await answer(guard, unknown)
    expect(s).toBe(401)
    expect(description).toBe('No key matches the token')
    expect(issuer.requestCount('jwks')).toBe(1)
    advance(3_000)
    expect(await status(guard, unknown)).toBe(401) // fetched again, and still missing
    expect(issuer.requestCount('jwks')).toBe(2)
  })

  it('a failed fetch ends the cooldown: an unknown kid is then looked up (503 while failing), not a 401', async () => {
    const guard = guardOf({ jwksCacheMaxAge: 1, jwksCooldown: 10 })
    const old = await issuer.token({})
    expect(await status(guard, old)).toBe(200)
    advance(1_500) // the set is due for a background refresh, and still within the cooldown
    issuer.fault('jwks', { type: 'status', status: 500 })
    expect(await status(guard, old)).toBe(200) // starts the refresh, which fails
    await issuer.rotateKeys({ keepPrevious: true })
    const rotated = await issuer.token({})
    const { status: s, description } = await answer(guard, rotated)
    expect(s, description).toBe(503)
    issuer.fault('jwks', undefined)
    expect(await status(guard, rotated)).toBe(200) // still within the cooldown: fetched at once
  })

  const outages: Array<[string, Fault]> = [
    ['connections reset', { type: 'reset' }],
    ['500', { type: 'status', status: 500 }],
    ['an HTML page', { type: 'html' }],
    ['too slow', { type: 'slow', delayMs: 2_000 }],
  ]
  it.each(outages)(
    'keys rotated during an outage (%s): 503, never 401, then the new key within 5 s of the server being back',
    async (_what, fault) => {
      const guard = guardOf({ timeout: 200 }) // the default cooldown
      const old = await issuer.token({ sub: 'old' })
      expect(await status(guard, old)).toBe(200)
      advance(5_000)
      issuer.fault('all', fault)
      await issuer.rotateKeys({ keepPrevious: true })
      const rotated = await issuer.token({ sub: 'rotated' })
      // 30 s of outage: known keys keep verifying; the new key cannot be looked up
      for (let t = 0; t < 30_000; t += 500) {
        const { status: s, description } = await answer(guard, rotated)
        expect(s, description).toBe(503)
        expect(await status(guard, old)).toBe(200)
        advance(500)
      }
      issuer.fault('all', undefined)
      const back = Date.now()
      let s = 503
      while (s !== 200 && Date.now() - back <= 5_000) {
        const { status: now, description } = await answer(guard, rotated)
        s = now
        if (s !== 200) {
          expect(s, description).toBe(503)
          advance(100)
        }
      }
      expect(s).toBe(200)
      await issuer.rotateKeys() // put the issuer's keys back to one set for the next case
    },
  )
})

describe('discovery document', () => {
  it(`opens after ${DEFAULT_FAILURE_THRESHOLD} failures in a row, and a success closes it`, async () => {
    const guard = guardOf()
    issuer.fault('discovery', { type: 'status', status: 500 })
    const token = await issuer.token({})
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD + 5; i++)
      expect(await status(guard, token)).toBe(503)
    // a discovery failure is two requests (RFC 8414, then OpenID), each time the circuit allows one
    expect(issuer.requestCount('discovery')).toBe(2 * DEFAULT_FAILURE_THRESHOLD)
    expect(issuer.requestCount('jwks')).toBe(0) // the JWKS circuit is not blamed
    issuer.fault('discovery', undefined)
    advance(DEFAULT_MAX_OPEN_MS)
    expect(await status(guard, token)).toBe(200)
  })
})
