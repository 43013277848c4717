/**
 * `pnpm start`: a local authorization server (from @bearerguard/testing) and the example API
 * protected by it, then what runs where and ready-to-paste curl commands with fresh tokens.
 */
import type { AddressInfo } from 'node:net'
import { createGuard } from '@bearerguard/express'
import { createTestIssuer } from '@bearerguard/testing'
import { createApp } from './app.js'
import { colourEnabled, formatCase, painter, type CurlCase } from './terminal.js'

const AUDIENCE = 'https://api.example.com'
const port = Number(process.env.PORT ?? 3000)

const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })
const guard = createGuard({
  issuer: issuer.url,
  audience: AUDIENCE,
  // Opaque tokens are checked by RFC 7662 introspection (JWTs stay local: tokenFormat 'auto').
  introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
})
await guard.ready()

const server = createApp(guard).listen(port, '127.0.0.1')
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve)
  server.once('error', reject)
})
const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const reader = await issuer.token({ sub: 'alice', client_id: 'demo-app', scope: 'orders:read' })
const writer = await issuer.token({
  sub: 'bob',
  client_id: 'demo-app',
  scope: 'orders:read orders:write',
})
const profileOnly = await issuer.token({ sub: 'carol', client_id: 'demo-app', scope: 'profile' })
const opaque = await issuer.opaqueToken({
  sub: 'dave',
  client_id: 'demo-app',
  scope: 'orders:read',
})
const expired = await issuer.token({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_300 })

const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`
const cases: CurlCase[] = [
  {
    status: 200,
    label: 'valid: a JWT with orders:read',
    command: `curl -i ${api}/api/orders ${bearer(reader)}`,
  },
  {
    status: 200,
    label: 'opaque: a token checked by introspection, then cached',
    command: `curl -i ${api}/api/orders ${bearer(opaque)}`,
  },
  {
    status: 201,
    label: 'valid: a JWT with orders:write creates an order',
    command: `curl -i -X POST ${api}/api/orders -H 'Content-Type: application/json' -d '{"item":"tea","quantity":1}' ${bearer(writer)}`,
  },
  {
    status: 401,
    label: 'missing: no token (a bare Bearer challenge)',
    command: `curl -i ${api}/api/orders`,
  },
  {
    status: 401,
    label: 'expired: error="invalid_token"',
    command: `curl -i ${api}/api/orders ${bearer(expired)}`,
  },
  {
    status: 403,
    label: 'insufficient scope: a valid token without orders:read',
    command: `curl -i ${api}/api/orders ${bearer(profileOnly)}`,
  },
]

const paint = painter(colourEnabled(process.stdout, process.env))
const row = (what: string, where: string, note = '') =>
  `  ${what.padEnd(22)} ${paint('cyan', where)}${note && paint('dim', `  ${note}`)}`

console.log(`${paint('bold', 'bearerguard example: an Express API protected by OAuth 2.0 bearer tokens')}

${row('API', api, 'GET /health (open), GET /api/me, GET and POST /api/orders')}
${row('authorization server', issuer.url, 'local, from @bearerguard/testing')}
${row('  discovery', issuer.discoveryUrls.oauth)}
${row('  JWKS', issuer.jwksUri)}
${row('  introspection', issuer.introspectionEndpoint, 'client test-client / test-secret')}
${row('audience', AUDIENCE)}

${paint('bold', 'Try it')} (tokens are valid for one hour; 401 and 403 answers carry WWW-Authenticate):

${cases.map((c) => formatCase(paint, c)).join('\n\n')}

Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  server.closeAllConnections()
  server.close()
  await Promise.all([guard.close(), issuer.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
