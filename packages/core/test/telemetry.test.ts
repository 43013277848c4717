/**
 * Core's telemetry with the real OpenTelemetry SDK handed over as providers (the globals and
 * the request-span links are checked through Express and Koa in test/telemetry.test.ts): the
 * lazy import, the options, `telemetry: false`, the observer's events, circuit changes, and
 * that a failing observer changes no answer.
 */
import { readFileSync } from 'node:fs'
import * as api from '@opentelemetry/api'
import { exportJWK, generateKeyPair } from 'jose'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createGuard,
  GuardOptionError,
  type AuthenticationEvent,
  type GuardObserver,
  type GuardOptions,
  type UpstreamEvent,
} from '../src/index.js'
import { asApi, loadOpenTelemetryApi } from '../src/telemetry/otel-api.js'
import { CORE_VERSION } from '../src/telemetry/telemetry.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

function providers() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  })
  const reader = new OnDemandReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const metricNames = async () =>
    (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.map((metric) => metric.descriptor.name),
    )
  return { spans, tracerProvider, meterProvider, reader, metricNames }
}

const requestWith = (token: string) => ({
  method: 'GET',
  url: '/orders',
  headers: { authorization: `Bearer ${token}` },
})

const guardOf = (options: Partial<GuardOptions>) =>
  createGuard({ issuer: issuer.url, audience: AUDIENCE, ...options })

describe('the OpenTelemetry API', () => {
  it('is imported lazily once, and recognized as a module or a default export', async () => {
    const loaded = await loadOpenTelemetryApi()
    expect(loaded).toBeDefined()
    expect(await loadOpenTelemetryApi()).toBe(loaded)
    expect(asApi(api)).toBe(api)
    expect(asApi({ default: api })).toBe(api)
    for (const junk of [undefined, null, 42, {}, { trace: {} }, { default: { trace: {} } }]) {
      expect(asApi(junk)).toBeUndefined()
    }
  })

  it('reports the package version as the tracer’s and meter’s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(CORE_VERSION).toBe(pkg.version)
  })
})

describe('the telemetry option', () => {
  it('is checked: an api that is not the module, providers without their method', () => {
    expect(() => guardOf({ telemetry: { api: {} as never } })).toThrow(GuardOptionError)
    expect(() => guardOf({ telemetry: { api: {} as never } })).toThrow(/telemetry\.api/)
    expect(() => guardOf({ telemetry: { tracerProvider: {} as never } })).toThrow(
      /telemetry\.tracerProvider/,
    )
    expect(() => guardOf({ telemetry: { meterProvider: 1 as never } })).toThrow(
      /telemetry\.meterProvider/,
    )
    expect(() => guardOf({ telemetry: true as never })).toThrow(/telemetry/)
    expect(() => guardOf({ telemetry: { api } })).not.toThrow()
  })

  it('sends spans and metrics to the providers given; `false` sends nothing', async () => {
    const on = providers()
    const guard = guardOf({
      telemetry: { api, tracerProvider: on.tracerProvider, meterProvider: on.meterProvider },
    })
    await guard.ready()
    await guard.authenticate(requestWith(await issuer.token()))
    expect(on.spans.getFinishedSpans().map((s) => s.name)).toContain('bearerguard.authenticate')
    expect(on.spans.getFinishedSpans()[0]?.instrumentationScope).toEqual({
      name: '@bearerguard/core',
      version: CORE_VERSION,
      schemaUrl: undefined,
    })
    expect(await on.metricNames()).toEqual(
      expect.arrayContaining([
        'bearerguard.authentications',
        'bearerguard.authentication.duration',
      ]),
    )

    // the same providers registered globally, but telemetry off: nothing at all
    api.trace.setGlobalTracerProvider(on.tracerProvider)
    api.metrics.setGlobalMeterProvider(on.meterProvider)
    try {
      on.spans.reset()
      const before = await on.metricNames()
      const off = guardOf({ telemetry: false })
      await off.ready()
      await off.authenticate(requestWith(await issuer.token()))
      await expect(off.authenticate(requestWith('garbage'))).rejects.toThrow()
      expect(on.spans.getFinishedSpans()).toEqual([])
      expect(await on.metricNames()).toEqual(before)
      // …while a guard with the default follows the global providers
      const lazy = guardOf({})
      await lazy.ready()
      await lazy.authenticate(requestWith(await issuer.token()))
      expect(on.spans.getFinishedSpans().map((s) => s.name)).toContain('bearerguard.authenticate')
    } finally {
      api.trace.disable()
      api.metrics.disable()
    }
  })
})

describe('the observer', () => {
  it('hears every authentication, authorization and call, with no token in any event', async () => {
    const events: unknown[] = []
    const observer: GuardObserver = {
      authentication: (e) => events.push(['authentication', e]),
      authorization: (e) => events.push(['authorization', e]),
      upstream: (e) => events.push(['upstream', e]),
    }
    const guard = guardOf({ telemetry: { observer } })
    const token = await issuer.token({ scope: 'orders:read' })
    const auth = await guard.authenticate(requestWith(token))
    guard.authorize(auth, { scopes: ['orders:read'], match: 'all' })
    expect(() => guard.authorize(auth, { roles: ['admin'] })).toThrow()
    expect(() => guard.authorize(undefined, { roles: ['admin'] })).toThrow()
    await expect(guard.authenticate(requestWith('garbage'))).rejects.toThrow()
    const seconds = expect.any(Number)
    expect(events).toEqual([
      ['upstream', { purpose: 'discovery', result: 'ok', seconds }],
      ['upstream', { purpose: 'jwks', result: 'ok', seconds }],
      [
        'authentication',
        { outcome: 'allowed', reason: undefined, format: 'jwt', cacheHit: false, seconds },
      ],
      ['authorization', { outcome: 'allowed', reason: undefined, requirement: undefined }],
      [
        'authorization',
        { outcome: 'rejected', reason: 'insufficient_scope', requirement: 'roles' },
      ],
      [
        'authorization',
        { outcome: 'rejected', reason: 'unauthorized', requirement: 'authenticated' },
      ],
      [
        'authentication',
        { outcome: 'rejected', reason: 'invalid_token', format: 'jwt', cacheHit: false, seconds },
      ],
    ])
    expect(JSON.stringify(events)).not.toContain(token)
  })

  it('hears an endpoint’s circuit open after failures in a row, and close once it answers', async () => {
    const circuits: string[] = []
    const upstream: UpstreamEvent[] = []
    const guard = guardOf({
      jwksCooldown: 0,
      telemetry: {
        observer: {
          circuit: (purpose, endpoint, state) => circuits.push(`${purpose} ${endpoint} ${state}`),
          upstream: (e) => upstream.push(e),
        },
      },
    })
    await guard.ready()
    issuer.fault('jwks', { type: 'status', status: 500 })
    try {
      for (let i = 0; i < 6; i++) {
        const unknownKid = await issuer.token({}, { header: { kid: `new-${i}` } })
        await expect(guard.authenticate(requestWith(unknownKid))).rejects.toMatchObject({
          status: expect.any(Number),
        })
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    } finally {
      issuer.fault('jwks', undefined)
    }
    expect(upstream.filter((e) => e.purpose === 'jwks').map((e) => e.result)).toContain('status')
    expect(circuits).toContain(`jwks ${issuer.jwksUri} open`)
    // the pause ends; the probe succeeds
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await expect(
      guard.authenticate(requestWith(await issuer.token({}, { header: { kid: 'again' } }))),
    ).rejects.toThrow()
    expect(circuits.slice(-2)).toEqual([
      `jwks ${issuer.jwksUri} half-open`,
      `jwks ${issuer.jwksUri} closed`,
    ])
  })

  it('a refusal decided by a cache counts as a cache hit (an inactive token held)', async () => {
    const events: AuthenticationEvent[] = []
    const guard = guardOf({
      introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
      telemetry: { observer: { authentication: (e) => events.push(e) } },
    })
    const token = await issuer.opaqueToken({ scope: 'a' })
    issuer.revoke(token)
    for (let i = 0; i < 2; i++) {
      await expect(guard.authenticate(requestWith(token))).rejects.toThrow('Token is not active')
    }
    expect(events.map((e) => [e.outcome, e.reason, e.format, e.cacheHit])).toEqual([
      ['rejected', 'invalid_token', 'opaque', false],
      ['rejected', 'invalid_token', 'opaque', true],
    ])
  })

  it('with openTelemetry: false the observer hears everything, OpenTelemetry nothing', async () => {
    const on = providers()
    api.trace.setGlobalTracerProvider(on.tracerProvider)
    api.metrics.setGlobalMeterProvider(on.meterProvider)
    try {
      const events: string[] = []
      const guard = guardOf({
        telemetry: {
          openTelemetry: false,
          observer: { authentication: (e) => events.push(e.outcome) },
        },
      })
      await guard.ready()
      await guard.authenticate(requestWith(await issuer.token()))
      expect(events).toEqual(['allowed'])
      expect(on.spans.getFinishedSpans()).toEqual([])
      expect(await on.metricNames()).toEqual([])
    } finally {
      api.trace.disable()
      api.metrics.disable()
    }
  })

  it('a tracer provider or span processor that throws changes no answer', async () => {
    const throwingProvider = {
      getTracer: () => {
        throw new Error('provider down')
      },
    }
    const guard = guardOf({ telemetry: { api, tracerProvider: throwingProvider } })
    await guard.ready()
    expect(await guard.authenticate(requestWith(await issuer.token({ scope: 'a' })))).toMatchObject(
      {
        scopes: ['a'],
      },
    )
    const failing = new BasicTracerProvider({
      spanProcessors: [
        {
          onStart: () => {
            throw new Error('processor down')
          },
          onEnd: () => {
            throw new Error('processor down')
          },
          forceFlush: async () => {},
          shutdown: async () => {},
        },
      ],
    })
    const other = guardOf({ telemetry: { api, tracerProvider: failing } })
    const auth = await other.authenticate(requestWith(await issuer.token({ scope: 'a' })))
    expect(auth?.scopes).toEqual(['a'])
    expect(() => other.authorize(auth, { scopes: ['b'], match: 'all' })).toThrow(
      'Insufficient scope',
    )
    await expect(other.authenticate(requestWith('garbage'))).rejects.toThrow('Token is not a JWT')
  })

  it('onRejected gets a frozen copy of the requirement: a hook cannot change the route', async () => {
    const requirement = { scopes: ['orders:write'], match: 'all' as const }
    let seen: unknown
    const guard = guardOf({
      onRejected: (_error, _request, details) => {
        seen = details.requirement
        ;(details.requirement as { scopes: string[] }).scopes.splice(0)
      },
    })
    const request = requestWith(await issuer.token({ scope: 'orders:read' }))
    const auth = await guard.authenticate(request)
    for (let i = 0; i < 2; i++) {
      expect(() => guard.authorize(auth, requirement, request)).toThrow('Insufficient scope')
    }
    expect(seen).toEqual(requirement)
    expect(Object.isFrozen(seen)).toBe(true)
    expect(requirement.scopes).toEqual(['orders:write'])
  })

  it('client credentials that cannot be made are an introspection call failed with client_auth', async () => {
    const upstream: UpstreamEvent[] = []
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(privateKey)), d: 'not-a-key' }
    const guard = guardOf({
      introspection: { clientId: 'test-client', privateKey: jwk, privateKeyAlg: 'ES256' },
      telemetry: { observer: { upstream: (e) => upstream.push(e) } },
    })
    const token = await issuer.opaqueToken({ scope: 'a' })
    await expect(guard.authenticate(requestWith(token))).rejects.toMatchObject({ status: 503 })
    expect(upstream.filter((e) => e.purpose === 'introspection').map((e) => e.result)).toEqual([
      'client_auth',
    ])
  })

  it('an observer that throws changes no answer', async () => {
    const boom = () => {
      throw new Error('observer down')
    }
    const seen: AuthenticationEvent[] = []
    const guard = guardOf({
      telemetry: {
        observer: {
          authentication: (e) => {
            seen.push(e)
            boom()
          },
          authorization: boom,
          upstream: boom,
          circuit: boom,
        },
      },
    })
    const auth = await guard.authenticate(requestWith(await issuer.token({ scope: 'a' })))
    expect(auth?.scopes).toEqual(['a'])
    expect(() => guard.authorize(auth, { scopes: ['b'], match: 'all' })).toThrow(
      'Insufficient scope',
    )
    await expect(guard.authenticate(requestWith('garbage'))).rejects.toThrow('Token is not a JWT')
    expect(seen.map((e) => e.outcome)).toEqual(['allowed', 'rejected'])
  })
})
