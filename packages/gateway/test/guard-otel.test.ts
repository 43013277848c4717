/**
 * The gateway with the real OpenTelemetry SDK installed as an app's instrumentation installs it
 * (global context manager, tracer and meter providers): each decision has its
 * `bearerguard.authenticate` span, and the metrics core records with OpenTelemetry count the
 * same as the gateway's Prometheus series — one set of names, converted as a Prometheus
 * exporter converts them (dots → underscores, `_total` for counters, `_seconds` for histograms
 * in seconds, attributes → labels).
 */
import * as api from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayMetrics } from '../src/index.js'
import { AUDIENCE, startGateway, type RunningGateway } from './helpers.js'
import { key, scrape, series, type Sample } from './prometheus-text.js'

/** A reader collected on demand (no timer). */
class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter()
const reader = new Reader()
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
})
const meterProvider = new MeterProvider({ readers: [reader] })

const JWKS_DOWN = 'http://127.0.0.1:1/jwks' // nothing listens there
let issuer: TestIssuer
/** One registry for both gateways, as the global meter provider is one for both guards. */
const metrics = new GatewayMetrics({ defaultMetrics: false })
let gw: RunningGateway
let down: RunningGateway

beforeAll(async () => {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.trace.setGlobalTracerProvider(tracerProvider)
  api.metrics.setGlobalMeterProvider(meterProvider)
  issuer = await createTestIssuer({ audience: AUDIENCE })
  gw = await startGateway(
    {
      guard: {
        issuer: issuer.url,
        audience: AUDIENCE,
        introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
      },
    },
    { metrics },
  )
  down = await startGateway(
    { guard: { issuer: issuer.url, audience: AUDIENCE, jwksUri: JWKS_DOWN, timeout: 300 } },
    { metrics },
  )
  // core imports @opentelemetry/api lazily: ready() settles once it is loaded (and warms keys)
  await gw.gateway.guard.ready()
  await down.gateway.guard.ready().catch(() => undefined)
})

afterAll(async () => {
  await gw?.close()
  await down?.close()
  await issuer?.close()
  await tracerProvider.shutdown()
  await meterProvider.shutdown()
  api.trace.disable()
  api.metrics.disable()
  api.context.disable()
})

const traefik = (base: string, uri: string, token?: string) =>
  fetch(`${base}/traefik`, {
    headers: {
      'x-forwarded-method': 'GET',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-uri': uri,
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
  })

function expiredToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return issuer.token({ sub: 'alice', iat: now - 7200, nbf: now - 7200, exp: now - 3600 })
}

/** The Prometheus name of an OpenTelemetry metric, as the exporter converts it. */
function prometheusName(metric: MetricData): string {
  const base = metric.descriptor.name.replaceAll('.', '_')
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? `${base}_total` : base
    case DataPointType.HISTOGRAM:
      return metric.descriptor.unit === 's' ? `${base}_seconds` : base
    default:
      return base
  }
}

/** Attributes as labels: names with dots → underscores, values as text. */
function labelsOf(attributes: api.Attributes): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name.replaceAll('.', '_'), String(value)]),
  )
}

/** Core's metrics (scope `@bearerguard/core`) as collected now. */
async function coreMetrics(): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect()
  expect(errors).toEqual([])
  return resourceMetrics.scopeMetrics
    .filter((scope) => scope.scope.name === '@bearerguard/core')
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.dataPoints.length > 0)
}

describe('with the OpenTelemetry SDK installed', () => {
  it('a decision has its bearerguard.authenticate span: outcome, reason, token format', async () => {
    spans.reset()
    const alice = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    expect((await traefik(gw.api, '/orders', alice)).status).toBe(200)
    expect((await traefik(gw.api, '/orders', await expiredToken())).status).toBe(401)
    expect((await traefik(gw.api, '/orders')).status).toBe(401)
    const authenticate = spans
      .getFinishedSpans()
      .filter((span) => span.name === 'bearerguard.authenticate')
    expect(authenticate.map((span) => span.attributes)).toEqual([
      expect.objectContaining({
        'bearerguard.outcome': 'allowed',
        'bearerguard.token.format': 'jwt',
        'bearerguard.issuer': issuer.url,
      }),
      expect.objectContaining({
        'bearerguard.outcome': 'rejected',
        'bearerguard.reason': 'invalid_token',
        'bearerguard.token.format': 'jwt',
      }),
      expect.objectContaining({
        'bearerguard.outcome': 'rejected',
        'bearerguard.reason': 'unauthorized',
      }),
    ])
    expect(authenticate[0]?.attributes['bearerguard.reason']).toBeUndefined()
    expect(authenticate[2]?.attributes['bearerguard.token.format']).toBeUndefined()
    // the scope check of the allowed request has its span too
    expect(
      spans
        .getFinishedSpans()
        .filter((span) => span.name === 'bearerguard.authorize')
        .map((span) => span.attributes['bearerguard.outcome']),
    ).toEqual(['allowed'])
  })

  it('the OpenTelemetry metrics and the Prometheus series count the same, under one set of names', async () => {
    const alice = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const bob = await issuer.token({ sub: 'bob', scope: 'profile' })
    const opaque = await issuer.opaqueToken({ sub: 'carol', scope: 'orders:read' })
    const statuses = [
      await traefik(gw.api, '/orders', alice),
      await traefik(gw.api, '/orders', alice),
      await traefik(gw.api, '/me', alice),
      await traefik(gw.api, '/orders', await expiredToken()),
      await traefik(gw.api, '/orders'),
      await traefik(gw.api, '/orders', bob),
      await traefik(gw.api, '/orders', opaque),
    ].map((res) => res.status)
    expect(statuses).toEqual([200, 200, 200, 401, 401, 403, 200])
    // an outage: five failed JWKS fetches open the circuit
    for (let i = 0; i < 5; i++) {
      expect((await traefik(down.api, '/orders', alice)).status).toBe(503)
    }

    const otel = await coreMetrics()
    const samples: Sample[] = await scrape(gw.api)
    // every metric core records, each under its converted name in the Prometheus registry
    expect(otel.map(prometheusName).sort()).toEqual([
      'bearerguard_authentication_duration_seconds',
      'bearerguard_authentications_total',
      'bearerguard_authorizations_total',
      'bearerguard_cache_lookups_total',
      'bearerguard_circuit_state',
      'bearerguard_discovery_fetches_total',
      'bearerguard_introspection_requests_total',
      'bearerguard_jwks_fetches_total',
      'bearerguard_upstream_duration_seconds',
    ])
    for (const metric of otel) {
      const name = prometheusName(metric)
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        const counts: Record<string, number> = {}
        for (const point of metric.dataPoints) {
          const labels = labelsOf(point.attributes)
          const value = point.value as Histogram
          counts[key(labels)] = value.count
          expect(series(samples, `${name}_sum`)[key(labels)]).toBeCloseTo(value.sum ?? 0, 9)
          // the same buckets, holding the same observations (Prometheus counts cumulatively)
          let cumulative = 0
          const buckets = series(samples, `${name}_bucket`)
          value.buckets.boundaries.forEach((boundary, i) => {
            cumulative += value.buckets.counts[i] ?? 0
            expect(
              buckets[key({ ...labels, le: String(boundary) })],
              `${name} le=${boundary}`,
            ).toBe(cumulative)
          })
          expect(buckets[key({ ...labels, le: '+Inf' })]).toBe(value.count)
        }
        expect(series(samples, `${name}_count`), name).toEqual(counts)
      } else {
        const values: Record<string, number> = {}
        for (const point of metric.dataPoints) {
          values[key(labelsOf(point.attributes))] = point.value as number
        }
        expect(series(samples, name), name).toEqual(values)
      }
    }
    // and the Prometheus side has nothing of the guard's that OpenTelemetry lacks
    const families = new Set(otel.map(prometheusName))
    const guardSamples = samples.filter(
      (s) => s.name.startsWith('bearerguard_') && !s.name.startsWith('bearerguard_gateway_'),
    )
    for (const sample of guardSamples) {
      const family = sample.name.replace(/_(bucket|sum|count)$/, '')
      expect(families.has(family) || families.has(sample.name), sample.name).toBe(true)
    }
    // spot checks of what both hold
    expect(series(samples, 'bearerguard_circuit_state')).toEqual({
      [key({ bearerguard_upstream: 'jwks', url_full: JWKS_DOWN })]: 2,
    })
    expect(
      series(samples, 'bearerguard_authorizations_total')[
        key({
          bearerguard_outcome: 'rejected',
          bearerguard_reason: 'insufficient_scope',
          bearerguard_requirement: 'scopes',
        })
      ],
    ).toBe(1)
    expect(
      series(samples, 'bearerguard_authentications_total')[
        key({ bearerguard_outcome: 'unavailable', bearerguard_reason: 'temporarily_unavailable' })
      ],
    ).toBe(5)
  })
})
