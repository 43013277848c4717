/**
 * The development explainer (`debug`): one line per rejection naming the check that failed and
 * the values compared, the credentials redacted; off by default; refused under
 * NODE_ENV=production unless forced.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createGuard, GuardOptionError, type Guard, type GuardOptions } from '../src/index.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())
afterEach(() => vi.unstubAllEnvs())

function explaining(options: Partial<GuardOptions> = {}): { guard: Guard; lines: string[] } {
  const lines: string[] = []
  const guard = createGuard({
    issuer: issuer.url,
    audience: AUDIENCE,
    debug: { log: (line) => lines.push(line) },
    ...options,
  })
  return { guard, lines }
}

const requestWith = (token: string, url = '/orders') => ({
  method: 'GET',
  url,
  headers: { authorization: `Bearer ${token}` },
})

async function refuse(guard: Guard, token: string, url?: string): Promise<void> {
  await expect(guard.authenticate(requestWith(token, url))).rejects.toMatchObject({
    name: expect.stringMatching(/Error$/),
  })
}

describe('debug: the explainer', () => {
  it('the audience: expected and the token’s', async () => {
    const { guard, lines } = explaining()
    const token = await issuer.token({ aud: ['https://billing.example.com', 'x'] })
    await refuse(guard, token)
    expect(lines).toEqual([
      'bearerguard debug: GET /orders → 401 invalid_token "Token audience is not accepted" — audience: expected ["https://api.example.com"], token has ["https://billing.example.com","x"]',
    ])
    expect(lines.join('')).not.toContain(token)
  })

  it('an expired token: exp and the clock skew in seconds', async () => {
    const { guard, lines } = explaining()
    const exp = Math.floor(Date.now() / 1000) - 125
    await refuse(guard, await issuer.token({ exp }))
    expect(lines[0]).toContain('"Token has expired" — exp:')
    expect(lines[0]).toContain(`token has "expired ${exp}"`)
    expect(lines[0]).toMatch(/\(12[4-7] s behind this server's clock\)/)
    expect(lines[0]).toContain('± 30 s leeway')
  })

  it('a token not yet valid: nbf ahead of the clock', async () => {
    const { guard, lines } = explaining()
    await refuse(guard, await issuer.token({ nbf: Math.floor(Date.now() / 1000) + 600 }))
    expect(lines[0]).toMatch(
      /"Token is not yet valid" — nbf: .*\((59[89]|600|601) s ahead of this server's clock\)/,
    )
  })

  it('a kid the JWKS does not have: the kids it has', async () => {
    const { guard, lines } = explaining({ jwksCooldown: 0 })
    await guard.ready()
    const token = await issuer.token({}, { header: { kid: 'rotated-away' } })
    await refuse(guard, token)
    const kids = issuer.jwks().keys.map((key) => `${key.kid} (${key.alg})`)
    expect(lines[0]).toContain('"No key matches the token" — kid:')
    expect(lines[0]).toContain(`expected ${JSON.stringify(kids)}`)
    expect(lines[0]).toContain('token has "rotated-away (RS256)"')
    expect(lines[0]).toContain(`kids of the JWKS at ${issuer.jwksUri}`)
  })

  it('an issuer not trusted: the trusted ones and the token’s', async () => {
    const { guard, lines } = explaining()
    await refuse(guard, await issuer.token({ iss: 'https://evil.example.com' }))
    expect(lines[0]).toContain(
      `"Token issuer is not trusted" — issuer: expected ["${issuer.url}"], token has "https://evil.example.com"`,
    )
  })

  it('an algorithm not accepted, and a bad signature', async () => {
    const { guard, lines } = explaining({ algorithms: ['ES256'] })
    await refuse(guard, await issuer.token({}, { alg: 'RS256' }))
    expect(lines[0]).toContain(
      '"Token algorithm is not accepted" — alg: expected ["ES256"], token has "RS256"',
    )
    const other = explaining()
    await refuse(other.guard, await issuer.token({}, { key: 'unknown' }))
    expect(other.lines[0]).toMatch(/"(Token signature is invalid|No key matches the token)"/)
  })

  it('no token at all', async () => {
    const { guard, lines } = explaining()
    await expect(guard.authenticate({ method: 'GET', url: '/x', headers: {} })).rejects.toThrow()
    expect(lines).toEqual([
      'bearerguard debug: GET /x → 401 unauthorized "Authentication required" — no access token in the request',
    ])
  })

  it('a 403: the scopes required and the token’s, and the route requirement', async () => {
    const { guard, lines } = explaining()
    const token = await issuer.token({ scope: 'orders:read profile' })
    const request = requestWith(token)
    const auth = await guard.authenticate(request)
    expect(() =>
      guard.authorize(auth, { scopes: ['orders:write'], match: 'all' }, () => request),
    ).toThrow('Insufficient scope')
    expect(lines).toEqual([
      'bearerguard debug: GET /orders → 403 insufficient_scope "Insufficient scope" — scopes: expected ["orders:write"], token has ["orders:read","profile"] — the route requires scopes orders:write',
    ])
    expect(() => guard.authorize(auth, { claims: { tenant: 'acme' } }, request)).toThrow()
    expect(lines[1]).toContain(
      '— claim "tenant": expected "acme", token has undefined — the route requires claims tenant',
    )
  })

  it('a token in the query string is redacted from the line', async () => {
    const { guard, lines } = explaining({ bearerMethods: ['query'] })
    const token = await issuer.token({ aud: 'https://other.example.com' })
    await expect(
      guard.authenticate({ method: 'GET', url: `/orders?access_token=${token}&x=1`, headers: {} }),
    ).rejects.toThrow()
    expect(lines[0]).toContain('GET /orders?access_token=%5Bredacted%5D&x=1 →')
    expect(lines.join('')).not.toContain(token)
  })

  it('escapes what could forge a log line and cuts long values', async () => {
    const { guard, lines } = explaining()
    const kid = `k\u2028bearerguard debug: forged\u202e${'x'.repeat(400)}`
    await refuse(guard, await issuer.token({ aud: kid }))
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toMatch(/[\u2028\u202e\n]/)
    expect(lines[0]).toContain('k\\u2028bearerguard debug: forged\\u202e')
    expect(lines[0]!.length).toBeLessThan(900)
  })

  it('is off by default; a logger that throws changes no answer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
      await expect(guard.authenticate(requestWith('not-a-token'))).rejects.toThrow()
      expect(warn).not.toHaveBeenCalled()
      const on = createGuard({ issuer: issuer.url, audience: AUDIENCE, debug: true })
      await expect(on.authenticate(requestWith('not-a-token'))).rejects.toThrow(
        'Token is not a JWT',
      )
      expect(warn).toHaveBeenCalledTimes(1)
      const throwing = explaining({
        debug: {
          log: () => {
            throw new Error('logger down')
          },
        },
      })
      await expect(throwing.guard.authenticate(requestWith('not-a-token'))).rejects.toThrow(
        'Token is not a JWT',
      )
    } finally {
      warn.mockRestore()
    }
  })

  it('is refused when NODE_ENV=production, unless forced', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const make = (debug: GuardOptions['debug']) =>
      createGuard({ issuer: issuer.url, audience: AUDIENCE, debug })
    expect(() => make(true)).toThrow(GuardOptionError)
    expect(() => make({ log: () => {} })).toThrow(/debug.*NODE_ENV=production.*force: true/)
    expect(() => make({ force: true, log: () => {} })).not.toThrow()
    expect(() => make(false)).not.toThrow()
  })
})
