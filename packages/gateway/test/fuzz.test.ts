/**
 * fast-check over whole decision requests: any method, forwarded headers, Authorization and
 * path, to every contract and the reverse proxy. The answer is always one of the contract's
 * statuses — never a 500 — and the gateway keeps serving.
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
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
    guard: { issuer: issuer.url, audience: AUDIENCE, bearerMethods: ['header', 'query', 'body'] },
    proxy: { port: 0, upstream: upstream.url },
  })
  token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
})
afterAll(async () => {
  await gw.close()
  await upstream.close()
  await issuer.close()
})

/** Printable ASCII (what an HTTP client can put in a header), with the characters that matter. */
const headerText = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'.split('')),
  maxLength: 40,
})
const uri = fc.oneof(
  fc.constantFrom(
    '/orders',
    '/health',
    '/me',
    '/admin/x',
    '/orders?access_token=abc',
    '/%2e%2e/admin',
    '//x',
    '',
  ),
  headerText,
  headerText.map((t) => `/${t}`),
)
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Bearer ${'T'}`),
  headerText,
  headerText.map((t) => `Bearer ${t}`),
  fc.constantFrom('Bearer', 'Basic abc', 'DPoP abc', 'bearer  x.y.z'),
)
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH'),
  fc.stringMatching(/^[A-Z]{1,8}$/),
)
const target = fc.constantFrom('nginx', 'traefik', 'envoy', 'proxy')

it('never answers 500 to a hostile decision request', async () => {
  const allowed = new Set([200, 400, 401, 403, 404, 413, 503])
  await fc.assert(
    fc.asyncProperty(
      target,
      method,
      uri,
      authorization,
      headerText,
      headerText,
      async (where, m, u, auth, host, proto) => {
        const headers: Record<string, string> = {}
        if (auth !== undefined) headers.authorization = auth.replace('Bearer T', `Bearer ${token}`)
        let url: string
        let requestMethod = m
        if (where === 'nginx') {
          Object.assign(headers, {
            'x-original-uri': u,
            'x-original-method': m,
            'x-forwarded-host': host,
            'x-forwarded-proto': proto,
          })
          url = `${gw.api}/nginx`
          requestMethod = 'GET'
        } else if (where === 'traefik') {
          Object.assign(headers, {
            'x-forwarded-uri': u,
            'x-forwarded-method': m,
            'x-forwarded-host': host,
            'x-forwarded-proto': proto,
          })
          url = `${gw.api}/traefik`
          requestMethod = 'GET'
        } else {
          const path = u.startsWith('/') ? u : `/${u}`
          url = where === 'envoy' ? `${gw.api}/envoy${path}` : `${gw.proxy as string}${path}`
          headers['x-forwarded-proto'] = proto
        }
        let res
        try {
          res = await httpRequest(url, { method: requestMethod, headers })
        } catch (error) {
          // the client refused to send it (e.g. a path with a space): nothing reached the gateway
          if (
            error instanceof TypeError ||
            (error as { code?: string }).code === 'ERR_UNESCAPED_CHARACTERS'
          )
            return
          throw error
        }
        expect(allowed, `${where} ${m} ${u} → ${res.status} ${res.text}`).toContain(res.status)
      },
    ),
    { numRuns: 300 },
  )
  expect((await fetch(`${gw.api}/healthz`)).status).toBe(200)
})
