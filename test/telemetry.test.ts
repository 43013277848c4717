/**
 * API.md "Observability", checked with the real OpenTelemetry SDK through Express and Koa: a
 * `bearerguard.authenticate` span per request — a child of the request's span — for every
 * outcome, with its attributes; child spans for the calls to the authorization server; the
 * 403s (and step-up 401s) as `bearerguard.authorize` spans and `onRejected` calls naming the
 * failed requirement; the metrics counting the same.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as api from '@opentelemetry/api'
import {
  createGuard,
  type Guard,
  type GuardOptions,
  type RejectionDetails,
} from '@bearerguard/core'
import * as expressAdapter from '@bearerguard/express'
import * as koaAdapter from '@bearerguard/koa'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import Router from '@koa/router'
import express, { type RequestHandler } from 'express'
import Koa from 'koa'
import request from 'supertest'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  installOtelSdk,
  parentOf,
  spanStrings,
  spansNamed,
  type OtelSdk,
} from './support/otel-sdk.js'

const AUDIENCE = 'https://api.example.com'
let sdk: OtelSdk
let issuer: TestIssuer
let deadIssuer: string

beforeAll(async () => {
  sdk = installOtelSdk()
  issuer = await createTestIssuer({ audience: AUDIENCE })
  // an authorization server that is down: a port that was just free
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  deadIssuer = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => probe.close(() => resolve()))
})
afterAll(async () => {
  await issuer.close()
  await sdk.uninstall()
})
beforeEach(() => sdk.spans.reset())

interface Rejection {
  code: string | undefined
  details: RejectionDetails
}

interface App {
  server: Server
  rejections: Rejection[]
}

function guardsFor(rejections: Rejection[]): Record<'main' | 'optional' | 'down', Guard> {
  const onRejected: GuardOptions['onRejected'] = (error, _request, details) => {
    rejections.push({ code: error.code, details })
  }
  const base = { issuer: issuer.url, audience: AUDIENCE, onRejected }
  return {
    main: createGuard({
      ...base,
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
    }),
    optional: createGuard({ ...base, optional: true }),
    // the module handed over (as a bundled Worker would), not imported lazily
    down: createGuard({ ...base, issuer: deadIssuer, telemetry: { api } }),
  }
}

/** The request's own span, as HTTP instrumentation makes one (a SERVER span around the app). */
function serverSpanExpress(): RequestHandler {
  return (req, res, next) => {
    const span = sdk.tracer.startSpan(`${req.method} ${req.path}`, { kind: api.SpanKind.SERVER })
    res.on('finish', () => span.end())
    api.context.with(api.trace.setSpan(api.context.active(), span), next)
  }
}

async function expressApp(): Promise<App> {
  const rejections: Rejection[] = []
  const guards = guardsFor(rejections)
  await guards.main.ready()
  const { bearerAuth, requireScopes, requireRoles, requireClaims, requireStepUp } = expressAdapter
  const ok: RequestHandler = (_req, res) => {
    res.json({ ok: true })
  }
  const app = express()
  app.use(serverSpanExpress())
  const main = bearerAuth(guards.main)
  app.get('/orders', main, requireScopes('orders:read'), ok)
  app.get('/admin', main, requireScopes('orders:write'), ok)
  app.get('/roles', main, requireRoles('admin'), ok)
  app.get('/claims', main, requireClaims({ tenant: 'acme' }), ok)
  app.get('/stepup', main, requireStepUp({ acrValues: ['mfa'] }), ok)
  app.get('/maybe', bearerAuth(guards.optional), ok)
  app.get('/down', bearerAuth(guards.down), ok)
  app.use(expressAdapter.authErrorHandler())
  return { server: createServer(app), rejections }
}

async function koaApp(): Promise<App> {
  const rejections: Rejection[] = []
  const guards = guardsFor(rejections)
  await guards.main.ready()
  const { bearerAuth, requireScopes, requireRoles, requireClaims, requireStepUp } = koaAdapter
  const ok = (ctx: Koa.Context) => {
    ctx.body = { ok: true }
  }
  const app = new Koa()
  app.use(async (ctx, next) => {
    const span = sdk.tracer.startSpan(`${ctx.method} ${ctx.path}`, { kind: api.SpanKind.SERVER })
    try {
      await api.context.with(api.trace.setSpan(api.context.active(), span), next)
    } finally {
      span.end()
    }
  })
  app.use(koaAdapter.authErrorHandler())
  const router = new Router()
  const main = bearerAuth(guards.main)
  router.get('/orders', main, requireScopes('orders:read'), ok)
  router.get('/admin', main, requireScopes('orders:write'), ok)
  router.get('/roles', main, requireRoles('admin'), ok)
  router.get('/claims', main, requireClaims({ tenant: 'acme' }), ok)
  router.get('/stepup', main, requireStepUp({ acrValues: ['mfa'] }), ok)
  router.get('/maybe', bearerAuth(guards.optional), ok)
  router.get('/down', bearerAuth(guards.down), ok)
  app.use(router.routes())
  return { server: createServer(app.callback()), rejections }
}

/** The finished span of the request to `path` (the server span), once it has ended. */
async function serverSpan(path: string) {
  return vi.waitFor(() => {
    const span = sdk.spans.getFinishedSpans().find((s) => s.name === `GET ${path}`)
    if (!span) throw new Error(`no span for ${path} yet`)
    return span
  })
}

describe.each([
  ['Express', expressApp],
  ['Koa', koaApp],
])('%s', (_name, build) => {
  let app: App
  beforeAll(async () => {
    app = await build()
  })
  const get = (path: string, token?: string) => {
    const r = request(app.server).get(path)
    return token === undefined ? r : r.set('authorization', `Bearer ${token}`)
  }

  it('a valid token: allowed, the request span its parent, with format, cache hit and issuer; counted and timed', async () => {
    const before = await sdk.total('bearerguard.authentications', {
      'bearerguard.outcome': 'allowed',
    })
    const timedBefore = await sdk.total('bearerguard.authentication.duration', {
      'bearerguard.outcome': 'allowed',
    })
    const hitsBefore = await sdk.total('bearerguard.cache.lookups', {
      'bearerguard.cache': 'token',
      'bearerguard.cache.hit': true,
    })
    const token = await issuer.token({ scope: 'orders:read', sub: 'alice' })
    for (let i = 0; i < 3; i++) await get('/orders', token).expect(200)
    await serverSpan('/orders')
    const spans = spansNamed(sdk, 'bearerguard.authenticate')
    expect(spans).toHaveLength(3)
    for (const span of spans) {
      expect(span.attributes).toMatchObject({
        'bearerguard.outcome': 'allowed',
        'bearerguard.token.format': 'jwt',
        'bearerguard.issuer': issuer.url,
      })
      expect(span.attributes).not.toHaveProperty('bearerguard.reason')
      expect(spanStrings(span).join(' ')).not.toContain(token)
      expect(spanStrings(span).join(' ')).not.toContain('alice')
    }
    expect(spans.map((s) => s.attributes['bearerguard.cache.hit'])).toEqual([false, false, true])
    // each request's authenticate span is a child of that request's own span
    const servers = sdk.spans.getFinishedSpans().filter((s) => s.name === 'GET /orders')
    expect(spans.map(parentOf).sort()).toEqual(servers.map((s) => s.spanContext().spanId).sort())
    // the route's requirement was met: an authorize span, allowed
    const authorized = spansNamed(sdk, 'bearerguard.authorize')
    expect(authorized.map((s) => s.attributes['bearerguard.outcome'])).toEqual([
      'allowed',
      'allowed',
      'allowed',
    ])
    expect(
      await sdk.total('bearerguard.authentications', { 'bearerguard.outcome': 'allowed' }),
    ).toBe(before + 3)
    expect(
      await sdk.total('bearerguard.authentication.duration', { 'bearerguard.outcome': 'allowed' }),
    ).toBe(timedBefore + 3)
    expect(
      await sdk.total('bearerguard.cache.lookups', {
        'bearerguard.cache': 'token',
        'bearerguard.cache.hit': true,
      }),
    ).toBe(hitsBefore + 1)
  })

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 3600 }, {}, 'Token has expired'],
    [
      'for another audience',
      { aud: 'https://other.example.com' },
      {},
      'Token audience is not accepted',
    ],
    ['forged', {}, { key: 'unknown' as const }, 'Token signature is invalid'],
  ])(
    'a token %s: rejected, reason invalid_token, the description recorded, never the token',
    async (_what, claims, options, description) => {
      const before = await sdk.total('bearerguard.authentications', {
        'bearerguard.outcome': 'rejected',
        'bearerguard.reason': 'invalid_token',
      })
      const token = await issuer.token({ scope: 'orders:read', ...claims }, options)
      await get('/orders', token).expect(401)
      const [span] = spansNamed(sdk, 'bearerguard.authenticate')
      expect(span?.attributes).toMatchObject({
        'bearerguard.outcome': 'rejected',
        'bearerguard.reason': 'invalid_token',
        'bearerguard.token.format': 'jwt',
      })
      expect(span?.attributes).not.toHaveProperty('bearerguard.issuer')
      expect(span?.events.map((e) => e.attributes?.['exception.message'])).toEqual([description])
      expect(span?.events.map((e) => e.attributes?.['exception.type'])).toEqual([
        'InvalidTokenError',
      ])
      expect(spanStrings(span!).join(' ')).not.toContain(token)
      expect(parentOf(span!)).toBe((await serverSpan('/orders')).spanContext().spanId)
      expect(
        await sdk.total('bearerguard.authentications', {
          'bearerguard.outcome': 'rejected',
          'bearerguard.reason': 'invalid_token',
        }),
      ).toBe(before + 1)
      expect(app.rejections.at(-1)).toEqual({
        code: 'invalid_token',
        details: { stage: 'authenticate' },
      })
    },
  )

  it('no token: rejected with reason unauthorized; an optional guard: anonymous', async () => {
    const anonymous = await sdk.total('bearerguard.authentications', {
      'bearerguard.outcome': 'anonymous',
    })
    await get('/orders').expect(401)
    await get('/maybe').expect(200)
    const [refused, passed] = spansNamed(sdk, 'bearerguard.authenticate')
    expect(refused?.attributes).toMatchObject({
      'bearerguard.outcome': 'rejected',
      'bearerguard.reason': 'unauthorized',
    })
    expect(refused?.attributes).not.toHaveProperty('bearerguard.token.format')
    expect(passed?.attributes).toMatchObject({ 'bearerguard.outcome': 'anonymous' })
    expect(
      await sdk.total('bearerguard.authentications', { 'bearerguard.outcome': 'anonymous' }),
    ).toBe(anonymous + 1)
  })

  it.each([
    ['/admin', 403, 'insufficient_scope', 'scopes', { scopes: ['orders:write'] }],
    ['/roles', 403, 'insufficient_scope', 'roles', { roles: ['admin'] }],
    ['/claims', 403, 'insufficient_scope', 'claims', { claims: { tenant: 'acme' } }],
    ['/stepup', 401, 'insufficient_user_authentication', 'stepUp', { acrValues: ['mfa'] }],
  ])(
    '%s refused (%i): onRejected, an authorize span and a counter name the failed requirement',
    async (path, status, code, kind, requirement) => {
      const before = await sdk.total('bearerguard.authorizations', {
        'bearerguard.outcome': 'rejected',
        'bearerguard.requirement': kind,
      })
      const token = await issuer.token({
        scope: 'orders:read',
        roles: ['reader'],
        tenant: 'umbrella',
      })
      await get(path, token).expect(status)
      expect(app.rejections.at(-1)).toEqual({
        code,
        details: { stage: 'authorize', requirement: expect.objectContaining(requirement) },
      })
      const [authenticated] = spansNamed(sdk, 'bearerguard.authenticate')
      expect(authenticated?.attributes['bearerguard.outcome']).toBe('allowed')
      const [authorized] = spansNamed(sdk, 'bearerguard.authorize')
      expect(authorized?.attributes).toMatchObject({
        'bearerguard.outcome': 'rejected',
        'bearerguard.reason': code,
        'bearerguard.requirement': kind,
      })
      expect(parentOf(authorized!)).toBe((await serverSpan(path)).spanContext().spanId)
      expect(spanStrings(authorized!).join(' ')).not.toContain('umbrella') // the token's claim value
      expect(
        await sdk.total('bearerguard.authorizations', {
          'bearerguard.outcome': 'rejected',
          'bearerguard.requirement': kind,
        }),
      ).toBe(before + 1)
    },
  )

  it('an opaque token: format opaque, the introspection call a child span of the authentication', async () => {
    const before = await sdk.total('bearerguard.introspection.requests', {
      'bearerguard.result': 'ok',
    })
    const token = await issuer.opaqueToken({ scope: 'orders:read' })
    await get('/orders', token).expect(200)
    await get('/orders', token).expect(200)
    const [first, second] = spansNamed(sdk, 'bearerguard.authenticate')
    expect(first?.attributes).toMatchObject({
      'bearerguard.outcome': 'allowed',
      'bearerguard.token.format': 'opaque',
      'bearerguard.cache.hit': false,
    })
    expect(second?.attributes).toMatchObject({ 'bearerguard.cache.hit': true })
    const calls = spansNamed(sdk, 'bearerguard.introspection')
    expect(calls).toHaveLength(1)
    expect(parentOf(calls[0]!)).toBe(first?.spanContext().spanId)
    expect(calls[0]?.kind).toBe(api.SpanKind.CLIENT)
    expect(calls[0]?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': issuer.introspectionEndpoint,
      'bearerguard.result': 'ok',
    })
    expect(spanStrings(calls[0]!).join(' ')).not.toContain(token)
    expect(
      await sdk.total('bearerguard.introspection.requests', { 'bearerguard.result': 'ok' }),
    ).toBe(before + 1)
  })

  it('the authorization server down: unavailable, the failing call its child span; the circuit opens', async () => {
    const token = await issuer.token({ iss: deadIssuer })
    const failedBefore = await sdk.total('bearerguard.discovery.fetches', {
      'bearerguard.result': 'network',
    })
    await get('/down', token).expect(503)
    const [span] = spansNamed(sdk, 'bearerguard.authenticate')
    expect(span?.attributes).toMatchObject({
      'bearerguard.outcome': 'unavailable',
      'bearerguard.reason': 'temporarily_unavailable',
    })
    expect(span?.status.code).toBe(api.SpanStatusCode.ERROR)
    const [call] = spansNamed(sdk, 'bearerguard.discovery')
    expect(parentOf(call!)).toBe(span?.spanContext().spanId)
    expect(call?.attributes).toMatchObject({
      'bearerguard.result': 'network',
      'url.full': `${deadIssuer}/.well-known/oauth-authorization-server`,
    })
    expect(call?.status.code).toBe(api.SpanStatusCode.ERROR)
    expect(
      await sdk.total('bearerguard.discovery.fetches', { 'bearerguard.result': 'network' }),
    ).toBe(failedBefore + 1)
    expect(
      await sdk.total('bearerguard.authentications', { 'bearerguard.outcome': 'unavailable' }),
    ).toBeGreaterThanOrEqual(1)
    // failures in a row pause the endpoint: its circuit gauge reads 2 (open)
    for (let i = 0; i < 5; i++) await get('/down', token).expect(503)
    const circuits = await sdk.points('bearerguard.circuit.state')
    expect(circuits).toContainEqual({
      attributes: { 'bearerguard.upstream': 'discovery', 'url.full': deadIssuer },
      value: 2,
    })
  })
})
