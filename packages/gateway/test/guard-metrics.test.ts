/**
 * The guard's series on /metrics (`bearerguard_*`): the names of the OpenTelemetry metrics core
 * records, as a Prometheus exporter converts them — authentications and authorizations by
 * outcome and reason, cache lookups, calls to the authorization server by result, circuits —
 * counted from a real gateway in front of a real test issuer.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { Registry } from 'prom-client'
import { createGuard } from '@bearerguard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway, GatewayMetrics } from '../src/index.js'
import { GUARD_DURATION_BUCKETS, GuardObserverMetrics } from '../src/ops/guard-observer-metrics.js'
import { AUDIENCE, RULES, logSink, startGateway } from './helpers.js'
import { key, parseSamples, scrape, series, type Sample } from './prometheus-text.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

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

const INTROSPECTION = { clientId: 'test-client', clientSecret: 'test-secret' }

/** An expired token of the issuer: refused `invalid_token`. */
function expiredToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return issuer.token({
    sub: 'alice',
    scope: 'orders:read',
    iat: now - 7200,
    nbf: now - 7200,
    exp: now - 3600,
  })
}

/** The guard's sample names (the gateway's own `bearerguard_gateway_*` left out). */
const guardSampleNames = (samples: readonly Sample[]) =>
  [
    ...new Set(
      samples
        .map((s) => s.name)
        .filter((n) => n.startsWith('bearerguard_') && !n.startsWith('bearerguard_gateway_')),
    ),
  ].sort()

describe('the guard’s series on /metrics', () => {
  it('authentications, authorizations, cache lookups and calls to the authorization server, by outcome, reason and result', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, introspection: INTROSPECTION },
    })
    try {
      await gw.gateway.guard.ready() // discovery and JWKS fetched once
      const alice = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      const bob = await issuer.token({ sub: 'bob', scope: 'profile' })
      const forged = await issuer.token(
        { sub: 'mallory', scope: 'orders:read' },
        { key: 'unknown' },
      )
      const opaque = await issuer.opaqueToken({ sub: 'carol', scope: 'orders:read' })
      const answers = [
        await traefik(gw.api, '/health'), // public: the guard is not asked
        await traefik(gw.api, '/orders', alice), // verified
        await traefik(gw.api, '/orders', alice), // verified again (kept from its second check on)
        await traefik(gw.api, '/orders', await expiredToken()),
        await traefik(gw.api, '/orders', forged),
        await traefik(gw.api, '/orders'), // no token
        await traefik(gw.api, '/orders', bob), // a scope missing
        await traefik(gw.api, '/me', alice), // from the verified-token cache; no requirement
        await traefik(gw.api, '/orders', opaque), // introspected
      ].map((res) => res.status)
      expect(answers).toEqual([200, 200, 200, 401, 401, 401, 403, 200, 200])

      const samples = await scrape(gw.api)
      expect(series(samples, 'bearerguard_authentications_total')).toEqual({
        [key({ bearerguard_outcome: 'allowed' })]: 5,
        [key({ bearerguard_outcome: 'rejected', bearerguard_reason: 'invalid_token' })]: 2,
        [key({ bearerguard_outcome: 'rejected', bearerguard_reason: 'unauthorized' })]: 1,
      })
      expect(series(samples, 'bearerguard_authentication_duration_seconds_count')).toEqual({
        [key({ bearerguard_outcome: 'allowed' })]: 5,
        [key({ bearerguard_outcome: 'rejected' })]: 3,
      })
      expect(series(samples, 'bearerguard_authorizations_total')).toEqual({
        [key({ bearerguard_outcome: 'allowed' })]: 4,
        [key({
          bearerguard_outcome: 'rejected',
          bearerguard_reason: 'insufficient_scope',
          bearerguard_requirement: 'scopes',
        })]: 1,
      })
      // one lookup per token that reached the caches (none without a token)
      expect(series(samples, 'bearerguard_cache_lookups_total')).toEqual({
        [key({ bearerguard_cache: 'token', bearerguard_cache_hit: 'false' })]: 5,
        [key({ bearerguard_cache: 'token', bearerguard_cache_hit: 'true' })]: 1,
        [key({ bearerguard_cache: 'introspection', bearerguard_cache_hit: 'false' })]: 1,
      })
      expect(series(samples, 'bearerguard_discovery_fetches_total')).toEqual({
        [key({ bearerguard_result: 'ok' })]: 1,
      })
      expect(series(samples, 'bearerguard_jwks_fetches_total')).toEqual({
        [key({ bearerguard_result: 'ok' })]: 1,
      })
      expect(series(samples, 'bearerguard_introspection_requests_total')).toEqual({
        [key({ bearerguard_result: 'ok' })]: 1,
      })
      expect(series(samples, 'bearerguard_upstream_duration_seconds_count')).toEqual({
        [key({ bearerguard_upstream: 'discovery', bearerguard_result: 'ok' })]: 1,
        [key({ bearerguard_upstream: 'jwks', bearerguard_result: 'ok' })]: 1,
        [key({ bearerguard_upstream: 'introspection', bearerguard_result: 'ok' })]: 1,
      })
      // no circuit ever changed
      expect(series(samples, 'bearerguard_circuit_state')).toEqual({})
      expect(guardSampleNames(samples)).toEqual([
        'bearerguard_authentication_duration_seconds_bucket',
        'bearerguard_authentication_duration_seconds_count',
        'bearerguard_authentication_duration_seconds_sum',
        'bearerguard_authentications_total',
        'bearerguard_authorizations_total',
        'bearerguard_cache_lookups_total',
        'bearerguard_discovery_fetches_total',
        'bearerguard_introspection_requests_total',
        'bearerguard_jwks_fetches_total',
        'bearerguard_upstream_duration_seconds_bucket',
        'bearerguard_upstream_duration_seconds_count',
        'bearerguard_upstream_duration_seconds_sum',
      ])
      // the gateway's own series are still there, beside the guard's
      expect(series(samples, 'bearerguard_gateway_decisions_total')).toMatchObject({
        [key({ contract: 'traefik', result: 'deny', reason: 'invalid_token' })]: 2,
        [key({ contract: 'traefik', result: 'deny', reason: 'insufficient_scope' })]: 1,
      })
    } finally {
      await gw.close()
    }
  })

  it('histograms have the buckets of core’s OpenTelemetry histograms', async () => {
    const gw = await startGateway({ guard: { issuer: issuer.url, audience: AUDIENCE } })
    try {
      await gw.gateway.guard.ready()
      expect((await traefik(gw.api, '/me', await issuer.token({ sub: 'alice' }))).status).toBe(200)
      const samples = await scrape(gw.api)
      for (const [name, labels] of [
        ['bearerguard_authentication_duration_seconds', { bearerguard_outcome: 'allowed' }],
        [
          'bearerguard_upstream_duration_seconds',
          { bearerguard_upstream: 'jwks', bearerguard_result: 'ok' },
        ],
      ] as const) {
        const buckets = samples.filter(
          (s) =>
            s.name === `${name}_bucket` &&
            key({ ...s.labels, le: '' }) === key({ ...labels, le: '' }),
        )
        expect(buckets.map((s) => s.labels.le)).toEqual([
          ...GUARD_DURATION_BUCKETS.map(String),
          '+Inf',
        ])
        expect(buckets.at(-1)?.value).toBe(1)
        expect(series(samples, `${name}_count`)[key(labels)]).toBe(1)
      }
    } finally {
      await gw.close()
    }
  })

  it('an anonymous caller of an optional guard: authenticated as anonymous, refused by authorize', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, optional: true },
    })
    try {
      const res = await traefik(gw.api, '/orders')
      expect(res.status).toBe(401)
      const samples = await scrape(gw.api)
      expect(series(samples, 'bearerguard_authentications_total')).toEqual({
        [key({ bearerguard_outcome: 'anonymous' })]: 1,
      })
      expect(series(samples, 'bearerguard_authorizations_total')).toEqual({
        [key({
          bearerguard_outcome: 'rejected',
          bearerguard_reason: 'unauthorized',
          bearerguard_requirement: 'authenticated',
        })]: 1,
      })
      expect(series(samples, 'bearerguard_cache_lookups_total')).toEqual({})
    } finally {
      await gw.close()
    }
  })

  it('an authorization server outage: unavailable, failing JWKS fetches, then the circuit open', async () => {
    const jwksUri = 'http://127.0.0.1:1/jwks' // nothing listens there
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, jwksUri, timeout: 300 },
    })
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      // five failures in a row open the circuit (core's default threshold)
      for (let i = 0; i < 5; i++) {
        expect((await traefik(gw.api, '/orders', token)).status).toBe(503)
      }
      const samples = await scrape(gw.api)
      expect(series(samples, 'bearerguard_authentications_total')).toEqual({
        [key({
          bearerguard_outcome: 'unavailable',
          bearerguard_reason: 'temporarily_unavailable',
        })]: 5,
      })
      expect(series(samples, 'bearerguard_jwks_fetches_total')).toEqual({
        [key({ bearerguard_result: 'network' })]: 5,
      })
      expect(series(samples, 'bearerguard_upstream_duration_seconds_count')).toEqual({
        [key({ bearerguard_upstream: 'jwks', bearerguard_result: 'network' })]: 5,
      })
      expect(series(samples, 'bearerguard_circuit_state')).toEqual({
        [key({ bearerguard_upstream: 'jwks', url_full: jwksUri })]: 2,
      })
      expect(series(samples, 'bearerguard_authorizations_total')).toEqual({})
      // the gateway's own count of failed calls agrees
      expect(series(samples, 'bearerguard_gateway_fetch_failures_total')).toEqual({
        [key({ reason: 'network' })]: 5,
      })
    } finally {
      await gw.close()
    }
  })

  it('an observer of the configuration hears the events too, and its failure changes no answer', async () => {
    const heard: string[] = []
    const gw = await startGateway({
      guard: {
        issuer: issuer.url,
        audience: AUDIENCE,
        telemetry: {
          observer: {
            authentication(event: { outcome: string }) {
              heard.push(event.outcome)
              throw new Error('observer bug')
            },
          },
        },
      },
    })
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      expect((await traefik(gw.api, '/orders', token)).status).toBe(200)
      expect((await traefik(gw.api, '/orders')).status).toBe(401)
      expect(heard).toEqual(['allowed', 'rejected'])
      const samples = await scrape(gw.api)
      expect(series(samples, 'bearerguard_authentications_total')).toEqual({
        [key({ bearerguard_outcome: 'allowed' })]: 1,
        [key({ bearerguard_outcome: 'rejected', bearerguard_reason: 'unauthorized' })]: 1,
      })
    } finally {
      await gw.close()
    }
  })

  it('guard.telemetry: false leaves the guard’s series out (core reports nothing)', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, telemetry: false },
    })
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      expect((await traefik(gw.api, '/orders', token)).status).toBe(200)
      const samples = await scrape(gw.api)
      expect(guardSampleNames(samples)).toEqual([])
      expect(series(samples, 'bearerguard_gateway_decisions_total')).toEqual({
        [key({ contract: 'traefik', result: 'allow', reason: 'scopes' })]: 1,
      })
    } finally {
      await gw.close()
    }
  })

  it('gateways sharing one GatewayMetrics report into its one registry', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false })
    const sink = logSink()
    const config = {
      guard: { issuer: issuer.url, audience: AUDIENCE },
      rules: RULES,
      api: { port: 0 },
    }
    const first = createGateway(config, { metrics, logDestination: sink.stream })
    const second = createGateway(config, { metrics, logDestination: sink.stream })
    try {
      const a = await first.listen()
      const b = await second.listen()
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      expect((await traefik(`http://127.0.0.1:${a.api.port}`, '/orders', token)).status).toBe(200)
      expect((await traefik(`http://127.0.0.1:${b.api.port}`, '/orders', token)).status).toBe(200)
      const samples = await scrape(`http://127.0.0.1:${a.api.port}`)
      expect(series(samples, 'bearerguard_authentications_total')).toEqual({
        [key({ bearerguard_outcome: 'allowed' })]: 2,
      })
      // each guard fetched its own keys
      expect(series(samples, 'bearerguard_jwks_fetches_total')).toEqual({
        [key({ bearerguard_result: 'ok' })]: 2,
      })
    } finally {
      await first.close()
      await second.close()
    }
  })
  it('a guard of your own reports there when given metrics.guardObserver', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false })
    const guard = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      telemetry: { observer: metrics.guardObserver },
    })
    const gateway = createGateway(
      { rules: RULES, api: { port: 0 } },
      { guard, metrics, logDestination: logSink().stream },
    )
    try {
      const base = `http://127.0.0.1:${(await gateway.listen()).api.port}`
      expect((await traefik(base, '/orders')).status).toBe(401)
      expect(series(await scrape(base), 'bearerguard_authentications_total')).toEqual({
        [key({ bearerguard_outcome: 'rejected', bearerguard_reason: 'unauthorized' })]: 1,
      })
    } finally {
      await gateway.close()
      await guard.close()
    }
  })
})

describe('GuardObserverMetrics', () => {
  it('never throws, whatever it is told, and records what it can', async () => {
    const registry = new Registry()
    const observer = new GuardObserverMetrics(registry)
    const odd = {
      authentication: {
        outcome: 'allowed',
        reason: undefined,
        format: 'jwt',
        cacheHit: true,
        seconds: Number.NaN,
      },
      upstream: { purpose: 'carrier-pigeon', result: 'ok', seconds: -1 },
    }
    expect(() => {
      observer.authentication(odd.authentication as never)
      observer.authorization({ outcome: 'allowed', reason: undefined, requirement: undefined })
      observer.upstream(odd.upstream as never)
      observer.circuit('jwks', 'https://as.example/jwks', 'sideways' as never)
      observer.circuit('jwks', 'https://as.example/jwks', 'half-open')
      observer.authentication(null as never)
      observer.upstream(undefined as never)
    }).not.toThrow()
    const samples = parseSamples(await registry.metrics())
    expect(series(samples, 'bearerguard_authentications_total')).toEqual({
      [key({ bearerguard_outcome: 'allowed' })]: 1,
    })
    // a duration that is not a number of seconds is left out
    expect(series(samples, 'bearerguard_authentication_duration_seconds_count')).toEqual({})
    expect(series(samples, 'bearerguard_authorizations_total')).toEqual({
      [key({ bearerguard_outcome: 'allowed' })]: 1,
    })
    expect(series(samples, 'bearerguard_cache_lookups_total')).toEqual({
      [key({ bearerguard_cache: 'token', bearerguard_cache_hit: 'true' })]: 1,
    })
    expect(series(samples, 'bearerguard_upstream_duration_seconds_count')).toEqual({})
    expect(series(samples, 'bearerguard_circuit_state')).toEqual({
      [key({ bearerguard_upstream: 'jwks', url_full: 'https://as.example/jwks' })]: 1,
    })
  })
})
