/** /healthz, /readyz (keys warm, cache reachable), /metrics, and logs that never hold a token. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAvailable } from '../../../test/support/system-services.js'
import { startRedisServer, type RedisServer } from '../../redis/test/redis-server.js'
import { AUDIENCE, startGateway, type RunningGateway } from './helpers.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

const traefik = (base: string, uri: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/traefik`, {
    headers: {
      'x-forwarded-method': 'GET',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-uri': uri,
      ...headers,
    },
  })

describe('health', () => {
  it('/healthz is 200; /readyz is 200 once the keys are warm', async () => {
    const gw = await startGateway({ guard: { issuer: issuer.url, audience: AUDIENCE } })
    try {
      expect(await (await fetch(`${gw.api}/healthz`)).json()).toEqual({ status: 'ok' })
      const ready = await fetch(`${gw.api}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({ ready: true, checks: { keys: 'ok', cache: 'none' } })
    } finally {
      await gw.close()
    }
  })
  it('/readyz is 503 while the authorization server is unreachable', async () => {
    const gw = await startGateway({
      guard: { issuer: 'http://127.0.0.1:1', audience: AUDIENCE, timeout: 300 },
    })
    try {
      const res = await fetch(`${gw.api}/readyz`)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ ready: false, checks: { keys: 'unavailable' } })
      expect((await fetch(`${gw.api}/healthz`)).status).toBe(200)
    } finally {
      await gw.close()
    }
  })

  // Skipped only when the service is missing outside CI; see test/support/system-services.ts.
  describe.skipIf(!serviceAvailable('redis-server'))('with the Redis cache store', () => {
    let redis: RedisServer
    beforeAll(async () => {
      redis = await startRedisServer()
    })
    afterAll(() => redis.stop())

    it('/readyz reports the cache reachable, then unreachable when Redis is down', async () => {
      const gw = await startGateway({
        guard: {
          issuer: issuer.url,
          audience: AUDIENCE,
          introspection: {
            clientId: 'test-client',
            clientSecret: 'test-secret',
            cache: { redis: { url: redis.url, keyPrefix: 'gw-test:' } },
          },
        },
      })
      try {
        const up = await fetch(`${gw.api}/readyz`)
        expect(await up.json()).toEqual({ ready: true, checks: { keys: 'ok', cache: 'ok' } })
        // an opaque token goes through introspection and the Redis store
        const opaque = await issuer.opaqueToken({ sub: 'carol', scope: 'orders:read' })
        const res = await traefik(gw.api, '/orders', { authorization: `Bearer ${opaque}` })
        expect(res.status).toBe(200)
        expect(res.headers.get('x-auth-subject')).toBe('carol')
        await redis.kill()
        const down = await fetch(`${gw.api}/readyz`)
        expect(down.status).toBe(503)
        expect(await down.json()).toMatchObject({ ready: false, checks: { cache: 'unreachable' } })
      } finally {
        await gw.close()
        await redis.start()
      }
    })
  })
})

describe('metrics', () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ guard: { issuer: issuer.url, audience: AUDIENCE } })
  })
  afterAll(() => gw.close())

  it('decisions by result and reason, latency, cache hits and misses with their ratio', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    await traefik(gw.api, '/orders', { authorization: `Bearer ${token}` }) // miss
    await traefik(gw.api, '/orders', { authorization: `Bearer ${token}` }) // hit
    await traefik(gw.api, '/orders', { authorization: `Bearer ${token}` }) // hit
    await traefik(gw.api, '/orders') // no token
    await traefik(gw.api, '/nowhere')
    issuer.fault('jwks', { type: 'status', status: 500 })
    const rotated = await issuer
      .token({ sub: 'x' }, { kid: 'unknown-kid' } as never)
      .catch(() => token)
    void rotated
    issuer.fault('jwks', undefined)
    const res = await fetch(`${gw.api}/metrics`)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toContain(
      'bearerguard_gateway_decisions_total{contract="traefik",result="allow",reason="scopes"} 3',
    )
    expect(text).toContain(
      'bearerguard_gateway_decisions_total{contract="traefik",result="deny",reason="unauthorized"} 1',
    )
    expect(text).toContain(
      'bearerguard_gateway_decisions_total{contract="traefik",result="deny",reason="no_rule"} 1',
    )
    expect(text).toMatch(
      /bearerguard_gateway_decision_duration_seconds_count\{contract="traefik",result="allow"\} 3/,
    )
    expect(text).toContain('bearerguard_gateway_token_cache_total{result="hit"} 2')
    expect(text).toContain('bearerguard_gateway_token_cache_total{result="miss"} 1')
    expect(text).toMatch(/bearerguard_gateway_token_cache_hit_ratio 0\.666/)
    expect(text).not.toContain(token)
  })
  it('counts failed calls to the authorization server', async () => {
    const down = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, jwksUri: `${issuer.url}/nowhere-jwks` },
    })
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      expect(
        (await traefik(down.api, '/orders', { authorization: `Bearer ${token}` })).status,
      ).toBe(503)
      const text = await (await fetch(`${down.api}/metrics`)).text()
      expect(text).toMatch(/bearerguard_gateway_fetch_failures_total\{reason="status"\} [1-9]/)
      expect(text).toContain(
        'bearerguard_gateway_decisions_total{contract="traefik",result="deny",reason="unavailable"} 1',
      )
    } finally {
      await down.close()
    }
  })
})

describe('logs', () => {
  it('one JSON line per decision, never a token (header, query or form)', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE, bearerMethods: ['header', 'query'] },
    })
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      const bad = `${token.slice(0, -6)}AAAAAA`
      await traefik(gw.api, '/orders', { authorization: `Bearer ${token}` })
      await traefik(gw.api, '/orders', { authorization: `Bearer ${bad}` })
      await traefik(gw.api, `/orders?access_token=${token}`)
      await fetch(`${gw.api}/nginx`, {
        headers: { authorization: `Bearer ${token}`, 'x-original-method': 'GET' },
      })
      const lines = gw.logs()
      expect(lines.length).toBeGreaterThanOrEqual(4)
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(entries[0]).toMatchObject({
        msg: 'decision',
        contract: 'traefik',
        path: '/orders',
        result: 'allow',
        reason: 'scopes',
        subject: 'alice',
      })
      expect(entries[1]).toMatchObject({ result: 'deny', reason: 'invalid_token', status: 401 })
      for (const line of lines) {
        expect(line).not.toContain(token)
        expect(line).not.toContain(bad)
        expect(line).not.toContain(token.split('.')[1] as string)
      }
    } finally {
      await gw.close()
    }
  })
})
