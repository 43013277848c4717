/**
 * `pnpm start`: a local authorization server (from @bearerguard/testing) and the example API
 * protected by it, then ready-to-paste curl commands with fresh tokens.
 */
import type { AddressInfo } from 'node:net'
import { AuthError, createGuard } from '@bearerguard/koa'
import { createTestIssuer } from '@bearerguard/testing'
import { createApp } from './app.js'

const AUDIENCE = 'https://api.example.com'
const port = Number(process.env.PORT ?? 3001)

const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })
const guard = createGuard({
  issuer: issuer.url,
  audience: AUDIENCE,
  // Opaque tokens are checked by RFC 7662 introspection (JWTs stay local: tokenFormat 'auto').
  introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
})
await guard.ready()

const app = createApp(guard)
// Only real faults arrive here: 401/403 are answers, not errors; a 503 means the
// authorization server is down.
app.on('error', (err: unknown) => {
  const what = err instanceof AuthError ? `${err.status} ${err.description}` : err
  console.error('[koa-api] error:', what)
})
const server = app.listen(port, '127.0.0.1')
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

console.log(`bearerguard example Koa API on ${api}
local authorization server on ${issuer.url} (discovery: ${issuer.discoveryUrls.oauth})

# 200: a token with orders:read
curl -i ${api}/api/orders -H 'Authorization: Bearer ${reader}'

# 200: an opaque token with orders:read (validated by introspection, then cached)
curl -i ${api}/api/orders -H 'Authorization: Bearer ${opaque}'

# 201: a token with orders:write
curl -i -X POST ${api}/api/orders -H 'Content-Type: application/json' -d '{"item":"tea","quantity":1}' -H 'Authorization: Bearer ${writer}'

# 401: no token
curl -i ${api}/api/orders

# 401: an expired token
curl -i ${api}/api/orders -H 'Authorization: Bearer ${expired}'

# 403: a valid token without orders:read
curl -i ${api}/api/orders -H 'Authorization: Bearer ${profileOnly}'

Tokens are valid for one hour. Press Ctrl+C to stop.`)

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
