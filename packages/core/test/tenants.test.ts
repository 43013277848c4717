/**
 * Multi-tenant issuers: `{tenantid}` templates matched against `tid`, an allow-list or a
 * predicate checked before any network call, keys from a fixed `jwksUri` or per-tenant
 * discovery (allowed tenants only), and Entra ID-shaped tokens from the testing kit.
 */
import { createTestIssuer, entraClaims, type TestIssuer } from '@bearerguard/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthError,
  createGuard,
  GuardOptionError,
  type Guard,
  type GuardOptions,
  type IssuerConfig,
} from '../src/index.js'

const AUDIENCE = 'api://orders'
const A = '11111111-aaaa-4aaa-8aaa-111111111111'
const B = '22222222-bbbb-4bbb-8bbb-222222222222'
const C = '33333333-cccc-4ccc-8ccc-333333333333'

let issuer: TestIssuer
let template: string
beforeAll(async () => {
  issuer = await createTestIssuer({ tenants: true, audience: AUDIENCE })
  template = `${issuer.origin}/{tenantid}/v2.0`
})
afterAll(() => issuer.close())

const guardOf = (entry: Partial<IssuerConfig>, options: Partial<GuardOptions> = {}) =>
  createGuard({ issuer: { issuer: template, ...entry }, audience: AUDIENCE, ...options })

/** An Entra ID-shaped app-only token of tenant `tid` (its `iss` and `tid` overridable). */
const tokenOf = (tid: string, claims: Record<string, unknown> = {}) =>
  issuer.token(
    {
      ...entraClaims({ issuer: issuer.tenantUrl(tid), tenantId: tid, roles: ['Orders.Read'] }),
      ...claims,
    },
    { header: { typ: 'JWT' } },
  )

async function answer(guard: Guard, token: string): Promise<[number, string | undefined]> {
  try {
    await guard.authenticate({
      method: 'GET',
      url: '/',
      headers: { authorization: `Bearer ${token}` },
    })
    return [200, undefined]
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    return [error.status, error.description]
  }
}
const NOT_TRUSTED: [number, string] = [401, 'Token issuer is not trusted']
const WRONG_TID: [number, string] = [401, 'Token tenant (tid) does not match its issuer']

describe('a {tenantid} issuer with a fixed jwksUri', () => {
  it('accepts the allowed tenants, with their issuer and roles', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri, tenants: [A, B] }, { roleClaims: ['roles'] })
    for (const tid of [A, B]) {
      const auth = await guard.authenticate({
        method: 'GET',
        url: '/',
        headers: { authorization: `Bearer ${await tokenOf(tid)}` },
      })
      expect(auth?.issuer).toBe(`${issuer.origin}/${tid}/v2.0`)
      expect(auth?.roles).toEqual(['Orders.Read'])
      expect(auth?.claims.tid).toBe(tid)
    }
  })

  it('refuses a tenant not allowed before any network call', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri, tenants: [A] })
    issuer.resetCounts()
    expect(await answer(guard, await tokenOf(C))).toEqual(NOT_TRUSTED)
    expect(issuer.requestCount('all')).toBe(0)
  })

  it('a spoofed tid (the issuer of one tenant, the tid of another) is refused, and so is none', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri, tenants: [A, B] })
    expect(await answer(guard, await tokenOf(A, { tid: B }))).toEqual(WRONG_TID)
    expect(await answer(guard, await tokenOf(A, { tid: undefined }))).toEqual(WRONG_TID)
    expect(await answer(guard, await tokenOf(A, { tid: A.toUpperCase() }))).toEqual(WRONG_TID)
  })

  it('iss must be the template exactly, with one tenant segment', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri, tenants: [A] })
    for (const iss of [
      `${issuer.origin}/${A}/v2.0/`,
      `${issuer.origin}/${A}/v1.0`,
      `${issuer.origin}/x/${A}/v2.0`,
      `${issuer.origin}/${A}%2Fx/v2.0`,
      `${issuer.origin}//v2.0`,

      `${issuer.origin.replace('127.0.0.1', 'localhost')}/${A}/v2.0`,
    ]) {
      expect(await answer(guard, await tokenOf(A, { iss }))).toEqual(NOT_TRUSTED)
    }
  })

  it('a dot segment is never a tenant, even where every tenant is allowed', async () => {
    for (const guard of [
      guardOf({ jwksUri: issuer.jwksUri }),
      guardOf({ jwksUri: issuer.jwksUri, tenants: () => true }),
    ]) {
      for (const dots of ['.', '..']) {
        const token = await tokenOf(A, { iss: `${issuer.origin}/${dots}/v2.0`, tid: dots })
        expect(await answer(guard, token)).toEqual(NOT_TRUSTED)
      }
    }
  })

  it('without tenants, every tenant is accepted (a fixed jwksUri makes that safe)', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri })
    expect((await answer(guard, await tokenOf(C)))[0]).toBe(200)
  })

  it('a predicate allow-list; one that throws is a bug that passes through', async () => {
    const guard = guardOf({
      jwksUri: issuer.jwksUri,
      tenants: (id) => {
        if (id === C) throw new Error('a bug in the predicate')
        return id === A
      },
    })
    expect((await answer(guard, await tokenOf(A)))[0]).toBe(200)
    expect(await answer(guard, await tokenOf(B))).toEqual(NOT_TRUSTED)
    await expect(answer(guard, await tokenOf(C))).rejects.toThrow('a bug in the predicate')
  })
})

describe('property: a token passes only for an allowed tenant whose tid matches', () => {
  it('whatever the segment and the tid', async () => {
    const guard = guardOf({ jwksUri: issuer.jwksUri, tenants: [A, B] })
    const segment = fc.oneof(
      fc.constantFrom(A, B, C, A.toUpperCase(), `${A}/x`, `${A}%2F`, '', '{tenantid}'),
      fc.string({ maxLength: 40 }),
    )
    await fc.assert(
      fc.asyncProperty(segment, fc.option(segment, { nil: undefined }), async (seg, tid) => {
        const token = await tokenOf(A, { iss: `${issuer.origin}/${seg}/v2.0`, tid })
        const [status] = await answer(guard, token)
        const allowed = (seg === A || seg === B) && tid === seg
        expect(status).toBe(allowed ? 200 : 401)
      }),
      { numRuns: 150 },
    )
  })
})

describe('a {tenantid} issuer with per-tenant discovery', () => {
  it('discovers allowed tenants only, once each; a flood of tenant ids costs nothing', async () => {
    const guard = guardOf({ tenants: [A, B] })
    issuer.resetCounts()
    expect((await answer(guard, await tokenOf(A)))[0]).toBe(200)
    expect((await answer(guard, await tokenOf(A, { sub: 'other' })))[0]).toBe(200)
    expect(issuer.requestCount('tenantDiscovery')).toBe(1)
    const before = issuer.requestCount('all')
    for (let i = 0; i < 200; i++) {
      const tid = `flood-${i}`
      expect(await answer(guard, await tokenOf(tid))).toEqual(NOT_TRUSTED)
    }
    expect(issuer.requestCount('all')).toBe(before)
    expect((await answer(guard, await tokenOf(B)))[0]).toBe(200)
    expect(issuer.requestCount('tenantDiscovery')).toBe(2)
  })

  it('a tenant whose discovery fails is a 503 for that tenant only', async () => {
    const guard = guardOf({ tenants: [A, B] })
    expect((await answer(guard, await tokenOf(A)))[0]).toBe(200)
    issuer.fault('tenantDiscovery', { type: 'status', status: 500 })
    try {
      expect((await answer(guard, await tokenOf(B)))[0]).toBe(503)
      expect((await answer(guard, await tokenOf(A, { sub: 'still' })))[0]).toBe(200)
    } finally {
      issuer.fault('tenantDiscovery', undefined)
    }
  })
})

describe('configuration', () => {
  const problem = (entry: Partial<IssuerConfig>, options: Partial<GuardOptions> = {}) => {
    try {
      guardOf(entry, options)
      return ''
    } catch (error) {
      expect(error).toBeInstanceOf(GuardOptionError)
      return (error as Error).message
    }
  }

  it('refuses templates that are not one whole path segment', () => {
    const jwksUri = 'https://login.example.com/keys'
    for (const bad of [
      'https://{tenantid}.example.com/v2.0',
      'https://login.example.com/{tenantid}/{tenantid}',
      'https://login.example.com/t-{tenantid}/v2.0',
      'https://login.example.com/{tenantid}x/v2.0',
      'https://login.example.com/v2.0?tenant={tenantid}',
    ]) {
      expect(problem({ issuer: bad, jwksUri }), bad).toMatch(/tenantid/)
    }
    expect(problem({ issuer: 'https://sts.example.net/{tenantid}/', jwksUri })).toBe('')
    expect(problem({ issuer: 'https://sts.example.net/{tenantid}', jwksUri })).toBe('')
  })

  it('per-tenant discovery needs an allow-list; tenants needs a template', () => {
    expect(problem({})).toContain('needs "tenants"')
    expect(problem({ issuer: issuer.url, tenants: [A] })).toContain(
      'only applies to an issuer with',
    )
    expect(problem({ tenants: [] })).toContain('tenants')
    expect(problem({ tenants: 'x' as never })).toContain('tenants')
  })

  it('introspection cannot belong to a template', () => {
    const introspection = { clientId: 'c', clientSecret: 's' }
    expect(problem({ jwksUri: issuer.jwksUri }, { introspection })).toContain('introspection')
  })

  it('RFC 9728 names the listed tenants as authorization servers, and no template', () => {
    const guard = guardOf(
      { jwksUri: issuer.jwksUri, tenants: [A, B] },
      { resource: 'https://api.example.com', resourceMetadata: true },
    )
    expect(guard.metadata().authorization_servers).toEqual([
      `${issuer.origin}/${A}/v2.0`,
      `${issuer.origin}/${B}/v2.0`,
    ])
  })
})
