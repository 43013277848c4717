/**
 * No span attribute, span event, span name or metric attribute ever holds the token, or any
 * claim value other than `iss` — for random tokens of every shape (fast-check), through Express
 * with the real OpenTelemetry SDK.
 */
import { createServer, type Server } from 'node:http'
import { createGuard } from '@bearerguard/core'
import { bearerAuth, authErrorHandler, requireScopes } from '@bearerguard/express'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import express from 'express'
import fc from 'fast-check'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installOtelSdk, spanStrings, type OtelSdk } from './support/otel-sdk.js'

const AUDIENCE = 'https://api.example.com'
let sdk: OtelSdk
let issuer: TestIssuer
let server: Server

beforeAll(async () => {
  sdk = installOtelSdk()
  issuer = await createTestIssuer({ audience: AUDIENCE })
  const guard = createGuard({
    issuer: issuer.url,
    audience: AUDIENCE,
    introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  })
  await guard.ready()
  const app = express()
  app.get('/orders', bearerAuth(guard), requireScopes('orders:read'), (_req, res) => {
    res.json({ ok: true })
  })
  app.use(authErrorHandler())
  server = createServer(app)
})
afterAll(async () => {
  await issuer.close()
  await sdk.uninstall()
})

/** Everything telemetry recorded since the last reset, as strings. */
async function recorded(): Promise<string> {
  const spans = sdk.spans.getFinishedSpans().flatMap(spanStrings)
  return [...spans, ...(await sdk.metricAttributeValues())].join('\n')
}

const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{8,120}$/)
/** b64token (RFC 6750) strings, JWT-shaped garbage, and real tokens with a changed character. */
const tokens = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,300}=*$/),
  fc.tuple(b64url, b64url, b64url).map((parts) => parts.join('.')),
  fc.tuple(fc.nat(), fc.constantFrom('A', 'B', '_')).map(([at, by]) => ({ at, by })),
)

describe('telemetry never records a token or a claim value but iss', () => {
  it('random tokens of every shape', async () => {
    const real = await issuer.token({ scope: 'orders:read' })
    await fc.assert(
      fc.asyncProperty(tokens, async (generated) => {
        let token: string
        if (typeof generated === 'string') {
          token = generated
        } else {
          const at = generated.at % real.length
          token = real.slice(0, at) + generated.by + real.slice(at + 1)
          if (token === real) return
        }
        sdk.spans.reset()
        const response = await request(server)
          .get('/orders')
          .set('authorization', `Bearer ${token}`)
        expect([200, 401, 403]).toContain(response.status)
        expect(await recorded()).not.toContain(token)
      }),
      { numRuns: 150 },
    )
  })

  it('valid tokens (JWT and opaque) with random claim values', async () => {
    const value = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/)
    await fc.assert(
      fc.asyncProperty(value, value, value, fc.boolean(), async (sub, email, tenant, opaque) => {
        const claims = { scope: 'orders:read', sub, email, tenant, client_id: `c-${tenant}` }
        const token = opaque ? await issuer.opaqueToken(claims) : await issuer.token(claims)
        sdk.spans.reset()
        await request(server).get('/orders').set('authorization', `Bearer ${token}`).expect(200)
        const text = await recorded()
        expect(text).toContain(issuer.url) // iss is the one claim value recorded
        for (const secret of [token, sub, email, tenant, 'test-secret']) {
          expect(text).not.toContain(secret)
        }
      }),
      { numRuns: 60 },
    )
  })
})
