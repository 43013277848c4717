/**
 * Sender-constrained tokens through every adapter, end to end: DPoP behind proxies (the URL the
 * client addressed, per Express `trust proxy` / Koa `app.proxy`), DPoP nonces on the wire, and
 * certificate-bound tokens over a real HTTPS server with client certificates made here.
 */
import { request as httpsRequest } from 'node:https'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createGuard } from '@bearerguard/core'
import {
  createDpopKey,
  createTestIssuer,
  dpopProof,
  type DpopKey,
  type TestIssuer,
} from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfSignedCertificate, type TestCertificate } from '../support/certificates.js'
import { ALL_ADAPTERS, AUDIENCE, type App } from './harness.js'

let issuer: TestIssuer
let key: DpopKey
let serverCert: TestCertificate
let clientCert: TestCertificate
let otherCert: TestCertificate
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  key = await createDpopKey()
  serverCert = selfSignedCertificate('127.0.0.1')
  clientCert = selfSignedCertificate('client-a')
  otherCert = selfSignedCertificate('client-b')
})
afterAll(() => issuer.close())

const bound = () => issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { jkt: key.jkt } })

describe.each(ALL_ADAPTERS)('DPoP on %s', (_adapter, makeApp) => {
  const options = () => ({ issuer: issuer.url, audience: AUDIENCE })

  /** A DPoP request whose proof names the public URL a proxy in front forwards for. */
  async function viaProxy(app: App) {
    const token = await bound()
    const url = 'https://api.example.com/api/me'
    return request(app)
      .get('/api/me')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token }))
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
  }

  it('behind a trusted proxy, htu is the public URL (X-Forwarded-Proto/-Host)', async () => {
    const res = await viaProxy(makeApp(options(), { trustProxy: true }))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ scheme: 'DPoP', subject: 'alice' })
  })

  it('without trust in the proxy, forwarded headers do not count: the proof for the public URL fails', async () => {
    const res = await viaProxy(makeApp(options()))
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/)
  })

  it('nonces: 401 use_dpop_nonce with DPoP-Nonce, then 200 carrying a DPoP-Nonce', async () => {
    const guard = createGuard({ ...options(), dpop: { nonce: { secret: 's'.repeat(32) } } })
    const app = makeApp(guard)
    const token = await bound()
    const url = 'http://api.example.test/api/me'
    const send = (nonce?: string) =>
      request(app)
        .get('/api/me')
        .set('Host', 'api.example.test')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token, nonce }))
    const first = await send()
    expect(first.status).toBe(401)
    expect(first.body.error).toBe('use_dpop_nonce')
    const nonce = first.headers['dpop-nonce'] as string
    expect(nonce).toBeTruthy()
    const second = await send(nonce)
    expect(second.status).toBe(200)
    expect(second.headers['dpop-nonce']).toBe(nonce)
  })

  it('a scope failure of a DPoP request is answered with a DPoP challenge', async () => {
    const app = makeApp(options())
    const token = await issuer.token({ sub: 'a', scope: 'orders:read', cnf: { jkt: key.jkt } })
    const url = 'http://api.example.test/api/admin'
    const res = await request(app)
      .get('/api/admin')
      .set('Host', 'api.example.test')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token }))
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toMatch(
      /^DPoP error="insufficient_scope", (error_description="[^"]*", )?scope="orders:read admin", algs="/,
    )
  })
})

/** GET `path` over HTTPS, presenting `cert` as client certificate when given. */
function httpsGet(
  server: Server,
  path: string,
  token: string,
  cert: TestCertificate | undefined,
): Promise<{ status: number; challenge: string | undefined; body: string }> {
  const { port } = server.address() as AddressInfo
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { authorization: `Bearer ${token}` },
        ca: serverCert.cert,
        ...(cert ? { cert: cert.cert, key: cert.key } : {}),
        agent: false,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers['www-authenticate'],
            body,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe.each(ALL_ADAPTERS)('certificate-bound tokens over HTTPS on %s', (_adapter, makeApp) => {
  let server: Server
  beforeAll(async () => {
    const app: App = makeApp({ issuer: issuer.url, audience: AUDIENCE })
    // self-signed client certificates: the binding is the thumbprint, not a CA (RFC 8705 §2.2)
    server = createServer(
      { cert: serverCert.cert, key: serverCert.key, requestCert: true, rejectUnauthorized: false },
      app,
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const certBound = () =>
    issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { 'x5t#S256': clientCert.thumbprint } })

  it('with the certificate the token is bound to → 200', async () => {
    const res = await httpsGet(server, '/api/me', await certBound(), clientCert)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({
      subject: 'alice',
      confirmation: { 'x5t#S256': clientCert.thumbprint },
    })
  })
  it('without a client certificate → 401 invalid_token', async () => {
    const res = await httpsGet(server, '/api/me', await certBound(), undefined)
    expect(res.status).toBe(401)
    expect(res.challenge).toMatch(/^Bearer error="invalid_token"/)
  })
  it('with another certificate → 401 invalid_token', async () => {
    const res = await httpsGet(server, '/api/me', await certBound(), otherCert)
    expect(res.status).toBe(401)
    expect(res.challenge).toMatch(/^Bearer error="invalid_token"/)
  })
  it('a token bound to nothing needs no certificate', async () => {
    const res = await httpsGet(server, '/api/me', await issuer.token({ sub: 'bob' }), undefined)
    expect(res.status).toBe(200)
  })
})
