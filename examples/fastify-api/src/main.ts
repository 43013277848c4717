/**
 * `npm run start:fastify`: a local authorization server (from @bearerguard/testing) and the
 * example API protected by it, then ready-to-paste curl commands with fresh tokens.
 */
import { createGuard } from '@bearerguard/fastify'
import { createTestIssuer } from '@bearerguard/testing'
import { createApp } from './app.js'

const AUDIENCE = 'https://api.example.com'
const port = Number(process.env.PORT ?? 3003)

const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })
const guard = createGuard({
  issuer: issuer.url,
  audience: AUDIENCE,
  // Opaque tokens are checked by RFC 7662 introspection (JWTs stay local: tokenFormat 'auto').
  introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  resourceMetadata: true,
})
await guard.ready()

const app = await createApp(guard)
const api = (await app.listen({ port, host: '127.0.0.1' })).replace('localhost', '127.0.0.1')

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

console.log(`bearerguard example Fastify API on ${api}
local authorization server on ${issuer.url} (discovery: ${issuer.discoveryUrls.oauth})

# 200: a token with orders:read
curl -i ${api}/api/orders -H 'Authorization: Bearer ${reader}'

# 200: an opaque token with orders:read (validated by introspection, then cached)
curl -i ${api}/api/orders -H 'Authorization: Bearer ${opaque}'

# 201: a token with orders:write
curl -i -X POST ${api}/api/orders -H 'Content-Type: application/json' -d '{"item":"tea","quantity":1}' -H 'Authorization: Bearer ${writer}'

# 200: the RFC 9728 metadata document (public)
curl -i ${api}/.well-known/oauth-protected-resource

# 401: no token
curl -i ${api}/api/orders

# 401: an expired token
curl -i ${api}/api/orders -H 'Authorization: Bearer ${expired}'

# 403: a valid token without orders:read
curl -i ${api}/api/orders -H 'Authorization: Bearer ${profileOnly}'

# 403: deleting needs orders:write and admin (a preHandler)
curl -i -X DELETE ${api}/api/orders -H 'Authorization: Bearer ${writer}'

Tokens are valid for one hour. Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await app.close()
  await Promise.all([guard.close(), issuer.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
