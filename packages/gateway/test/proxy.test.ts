/**
 * Reverse-proxy mode against a real upstream: bodies both ways (streamed), form bodies read
 * for the guard and forwarded, WebSocket upgrades, hop-by-hop headers, identity headers,
 * `Authorization` stripping, and upstream failures.
 */
import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import {
  AUDIENCE,
  httpRequest,
  startGateway,
  startUpstream,
  type RunningGateway,
  type Upstream,
} from './helpers.js'

let issuer: TestIssuer
let upstream: Upstream
let gw: RunningGateway
let token: string

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  upstream = await startUpstream()
  gw = await startGateway({
    guard: { issuer: issuer.url, audience: AUDIENCE, bearerMethods: ['header', 'body'] },
    proxy: { port: 0, upstream: upstream.url, maxFormBody: 1024 },
  })
  token = await issuer.token({ sub: 'alice', scope: 'orders:read orders:write' })
})
afterAll(async () => {
  await gw.close()
  await upstream.close()
  await issuer.close()
})

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
const url = (path: string) => `${gw.proxy as string}${path}`

describe('requests and bodies', () => {
  it('a GET reaches the upstream with identity headers and X-Forwarded-*', async () => {
    const res = await fetch(url('/orders?x=1'), { headers: bearer(token) })
    expect(res.status).toBe(200)
    const seen = (await res.json()) as { url: string; headers: Record<string, string> }
    expect(seen.url).toBe('/orders?x=1')
    expect(seen.headers).toMatchObject({
      'x-auth-subject': 'alice',
      'x-auth-scopes': 'orders:read orders:write',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      authorization: `Bearer ${token}`,
    })
    expect(seen.headers['x-forwarded-host']).toMatch(/^127\.0\.0\.1:\d+$/)
  })
  it('a large request body streams to the upstream intact', async () => {
    const body = 'x'.repeat(3 * 1024 * 1024)
    const res = await fetch(url('/upload'), { method: 'PUT', headers: bearer(token), body })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ method: 'PUT', bodyLength: body.length })
  })
  it('a chunked request body (no Content-Length) streams too', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part1-'))
        controller.enqueue(new TextEncoder().encode('part2'))
        controller.close()
      },
    })
    const res = await fetch(url('/upload'), {
      method: 'POST',
      headers: bearer(token),
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(await res.json()).toMatchObject({ body: 'part1-part2' })
  })
  it('the answer streams: the first chunk arrives before the upstream has finished', async () => {
    const res = await fetch(url('/stream'), { headers: bearer(token) })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('first\n')
    let rest = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    expect(rest).toBe('second\n')
  })
  it('hop-by-hop headers are not forwarded either way', async () => {
    const sent = await httpRequest(url('/me'), {
      headers: {
        ...bearer(token),
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': '1',
        te: 'trailers',
      },
    })
    const seen = JSON.parse(sent.text) as { headers: Record<string, string> }
    expect(seen.headers['x-secret-hop']).toBeUndefined()
    expect(seen.headers.te).toBeUndefined()
    const back = await httpRequest(url('/stream'), { headers: bearer(token) })
    expect(back.headers['x-hop']).toBeUndefined() // listed in the upstream's Connection header
  })
  it('identity headers sent by the client are removed, on public routes too', async () => {
    const spoof = { 'x-auth-subject': 'mallory', 'x-auth-anything': 'x' }
    const open = (await (await fetch(url('/health'), { headers: spoof })).json()) as {
      headers: Record<string, string>
    }
    expect(open.headers['x-auth-subject']).toBeUndefined()
    expect(open.headers['x-auth-anything']).toBeUndefined()
    const authed = (await (
      await fetch(url('/me'), { headers: { ...spoof, ...bearer(token) } })
    ).json()) as {
      headers: Record<string, string>
    }
    expect(authed.headers['x-auth-subject']).toBe('alice')
    expect(authed.headers['x-auth-anything']).toBeUndefined()
  })
  it('a denied request never reaches the upstream and gets the exact answer', async () => {
    const before = upstream.seen.length
    const res = await fetch(url('/orders'), { headers: bearer('bad.token.here') })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(upstream.seen.length).toBe(before)
  })
})

describe('form bodies (RFC 6750 §2.2)', () => {
  it('a token in a form body is found, and the body is forwarded as sent', async () => {
    const body = `access_token=${token}&item=tea`
    const res = await fetch(url('/upload'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ body, bodyLength: body.length })
  })
  it('a form body larger than maxFormBody → 413', async () => {
    const res = await fetch(url('/upload'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer(token) },
      body: `item=${'x'.repeat(2048)}`,
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('WebSocket upgrades', () => {
  const open = (headers: Record<string, string>) =>
    new Promise<{ ws?: WebSocket; status?: number; challenge?: string }>((resolve) => {
      const ws = new WebSocket(url('/ws').replace('http', 'ws'), { headers })
      ws.once('open', () => resolve({ ws }))
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode, challenge: res.headers['www-authenticate'] })
        ws.terminate()
      })
      ws.once('error', () => {})
    })

  it('an allowed upgrade is relayed and messages flow both ways', async () => {
    const { ws } = await open(bearer(token))
    expect(ws).toBeDefined()
    const reply = new Promise<string>((resolve) =>
      ws?.once('message', (data) => resolve(String(data))),
    )
    ws?.send('hello')
    expect(await reply).toBe('echo:hello')
    const seen = upstream.seen.filter((r) => r.url === '/ws').at(-1)
    expect(seen?.headers['x-auth-subject']).toBe('alice')
    ws?.close()
  })
  it('a denied upgrade gets 401 with the challenge', async () => {
    const { ws, status, challenge } = await open({})
    expect(ws).toBeUndefined()
    expect(status).toBe(401)
    expect(challenge).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
  })
})

describe('upstream failures', () => {
  it('an unreachable upstream → 502', async () => {
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    const port = (dead.address() as AddressInfo).port
    await new Promise((resolve) => dead.close(resolve))
    const g = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      proxy: { port: 0, upstream: `http://127.0.0.1:${port}` },
    })
    try {
      const res = await fetch(`${g.proxy as string}/me`, { headers: bearer(token) })
      expect(res.status).toBe(502)
      expect(await res.json()).toMatchObject({ error: 'bad_gateway' })
    } finally {
      await g.close()
    }
  })
  it('an upstream slower than the timeout → 504', async () => {
    const g = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      proxy: { port: 0, upstream: upstream.url, timeout: 200 },
    })
    try {
      const res = await fetch(`${g.proxy as string}/hang`, { headers: bearer(token) })
      expect(res.status).toBe(504)
      expect(await res.json()).toMatchObject({ error: 'gateway_timeout' })
    } finally {
      await g.close()
    }
  })
  it('stripAuthorization removes the token before the upstream', async () => {
    const g = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      proxy: { port: 0, upstream: upstream.url, stripAuthorization: true },
    })
    try {
      const res = await fetch(`${g.proxy as string}/me`, { headers: bearer(token) })
      const seen = (await res.json()) as { headers: Record<string, string> }
      expect(seen.headers.authorization).toBeUndefined()
      expect(seen.headers['x-auth-subject']).toBe('alice')
    } finally {
      await g.close()
    }
  })
  it('X-Forwarded-* from an untrusted client are replaced', async () => {
    const g = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      proxy: { port: 0, upstream: upstream.url },
      trustedProxies: ['10.0.0.0/8'],
    })
    try {
      const res = await fetch(`${g.proxy as string}/me`, {
        headers: { ...bearer(token), 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' },
      })
      const seen = (await res.json()) as { headers: Record<string, string> }
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1')
      expect(seen.headers['x-forwarded-proto']).toBe('http')
    } finally {
      await g.close()
    }
  })
})
