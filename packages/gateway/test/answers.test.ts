/**
 * The gateway's own answers, through its one render path (sendDenial): every denial is JSON,
 * never cached, with the headers its rendering gave it — on the decision API, the operations
 * listener, the reverse proxy and an upgrade's socket; every 503 is a rendered
 * AuthServerUnavailableError (with Retry-After), and a bug is a logged 500, never a 503.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { request, type IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayMetrics } from '../src/index.js'
import { AUDIENCE, startGateway, startUpstream, type Upstream } from './helpers.js'

let issuer: TestIssuer
let upstream: Upstream
let token: string

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  upstream = await startUpstream()
  token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
})
afterAll(async () => {
  await upstream.close()
  await issuer.close()
})

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

/** nginx's `auth_request` subrequest for GET `uri`, as the README's config sends it. */
const nginx = (api: string, uri: string, headers: Record<string, string> = {}) =>
  fetch(`${api}/nginx`, {
    headers: {
      'x-original-uri': uri,
      'x-original-method': 'GET',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      ...headers,
    },
  })

/** What every answer of the render path carries. */
function expectJsonDenial(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/json')
  expect(res.headers.get('cache-control')).toBe('no-store')
}

/** An upgrade request on a raw connection: the status and body of a refusal. */
function upgradeRequest(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', ...headers },
    })
    req.on('upgrade', (_res, socket) => {
      socket.destroy()
      reject(new Error('the upgrade was relayed'))
    })
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('denials', () => {
  it('on the decision API: the guard’s rendering, a 404, and nginx’s second look as a rendered 503', async () => {
    const gw = await startGateway({ guard: { issuer: issuer.url, audience: AUDIENCE } })
    try {
      const unauthorized = await nginx(gw.api, '/orders')
      expect(unauthorized.status).toBe(401)
      expectJsonDenial(unauthorized)
      expect(unauthorized.headers.get('www-authenticate')).toMatch(/^Bearer /)

      const notFound = await fetch(`${gw.api}/nowhere`)
      expect(notFound.status).toBe(404)
      expectJsonDenial(notFound)
      expect(await notFound.json()).toEqual({
        error: 'not_found',
        error_description: 'No such endpoint',
      })

      // allowed at the second look: nginx's first answer is gone, so the client is told to retry
      const recheck = await nginx(gw.api, '/orders', {
        ...bearer(token),
        'x-bearerguard-recheck': '1',
      })
      expect(recheck.status).toBe(503)
      expectJsonDenial(recheck)
      expect(recheck.headers.get('retry-after')).toBe('1')
      expect(recheck.headers.get('www-authenticate')).toBeNull()
      expect(await recheck.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'Please retry',
      })
    } finally {
      await gw.close()
    }
  })

  it('on the operations listener: each endpoint answers once, other paths 404, nothing logged as failed', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      ops: { port: 0 },
    })
    try {
      const ops = gw.ops as string
      expect(await (await fetch(`${ops}/healthz`)).json()).toEqual({ status: 'ok' })
      expect((await fetch(`${ops}/readyz`)).status).toBe(200)
      expect((await fetch(`${ops}/metrics`)).status).toBe(200)
      const notFound = await fetch(`${ops}/nginx`)
      expect(notFound.status).toBe(404)
      expectJsonDenial(notFound)
      expect(gw.logs().filter((line) => line.includes('"level":50'))).toEqual([])
    } finally {
      await gw.close()
    }
  })

  it('an upgrade while shutting down: a rendered 503 with Retry-After on its socket', async () => {
    const gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      proxy: { port: 0, upstream: upstream.url },
    })
    await gw.close()
    const socket = new PassThrough()
    const written: Buffer[] = []
    socket.on('data', (chunk: Buffer) => written.push(chunk))
    const ended = new Promise((resolve) => socket.once('end', resolve))
    const req = { url: '/ws', headers: { upgrade: 'websocket' } } as unknown as IncomingMessage
    gw.gateway.upgrade?.(req, socket, Buffer.alloc(0))
    await ended
    const [head = '', body] = Buffer.concat(written).toString().split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 503 /)
    expect(head.split('\r\n')).toContain('retry-after: 1')
    expect(JSON.parse(body as string)).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The gateway is shutting down',
    })
  })
})

/** Metrics that break on every decision: a bug after the decision was made. */
class BrokenMetrics extends GatewayMetrics {
  override decision(): void {
    throw new TypeError('broken metrics')
  }
}

describe('a bug', () => {
  it('is a 500 server_error, logged, never a 503 — on the decision API, the proxy and an upgrade', async () => {
    const gw = await startGateway(
      {
        guard: { issuer: issuer.url, audience: AUDIENCE },
        proxy: { port: 0, upstream: upstream.url },
      },
      { metrics: new BrokenMetrics() },
    )
    try {
      for (const res of [
        await nginx(gw.api, '/orders', bearer(token)),
        await fetch(`${gw.proxy as string}/orders`, { headers: bearer(token) }),
      ]) {
        expect(res.status).toBe(500)
        expectJsonDenial(res)
        expect(res.headers.get('retry-after')).toBeNull()
        expect(await res.json()).toEqual({ error: 'server_error' })
      }
      const upgrade = await upgradeRequest(gw.proxy as string, '/ws', bearer(token))
      expect(upgrade.status).toBe(500)
      expect(JSON.parse(upgrade.text)).toEqual({ error: 'server_error' })
      const failed = gw.logs().filter((line) => line.includes('"msg":"request failed"'))
      expect(failed).toHaveLength(3)
      expect(failed.every((line) => line.includes('broken metrics'))).toBe(true)
      // and the gateway goes on serving
      expect((await fetch(`${gw.api}/healthz`)).status).toBe(200)
    } finally {
      await gw.close()
    }
  })
})
