/**
 * `npm run start:nestjs` (from the repository root): builds this example with tsc, starts a
 * local authorization server (from @bearerguard/testing) and the NestJS API protected by it,
 * then prints what runs where and ready-to-paste curl commands with fresh tokens.
 */
import 'reflect-metadata'
import { NestFactory } from '@nestjs/core'
import { createTestIssuer } from '@bearerguard/testing'
import { AppModule } from './app.module.js'

const AUDIENCE = 'https://api.example.com'
const port = Number(process.env.PORT ?? 3000)

const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })
const app = await NestFactory.create(
  AppModule.register({
    issuer: issuer.url,
    audience: AUDIENCE,
    resourceMetadata: true, // RFC 9728: the document lists the scopes the controllers declare
  }),
  { logger: ['error', 'warn'] },
)
await app.listen(port, '127.0.0.1')
const api = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`

const reader = await issuer.token({ sub: 'alice', client_id: 'demo-app', scope: 'orders:read' })
const writer = await issuer.token({
  sub: 'bob',
  client_id: 'demo-app',
  scope: 'orders:read orders:write',
})
const profileOnly = await issuer.token({ sub: 'carol', client_id: 'demo-app', scope: 'profile' })
const expired = await issuer.token({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_300 })

const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`
const cases: Array<{ status: number; label: string; command: string }> = [
  {
    status: 200,
    label: 'valid: a JWT with orders:read',
    command: `curl -i ${api}/api/orders ${bearer(reader)}`,
  },
  {
    status: 200,
    label: 'any valid token: /api/me declares no scope',
    command: `curl -i ${api}/api/me ${bearer(profileOnly)}`,
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
  { status: 200, label: 'public: @Public() needs no token', command: `curl -i ${api}/health` },
  {
    status: 200,
    label: 'RFC 9728 metadata: scopes_supported from the controllers',
    command: `curl -i ${api}/.well-known/oauth-protected-resource`,
  },
]

console.log(`bearerguard example: a NestJS API protected by OAuth 2.0 bearer tokens

  API                    ${api}  GET /health (public), GET /api/me, GET and POST /api/orders
  authorization server   ${issuer.url}  local, from @bearerguard/testing
    discovery            ${issuer.discoveryUrls.oauth}
    JWKS                 ${issuer.jwksUri}
  audience               ${AUDIENCE}

Try it (tokens are valid for one hour; 401 and 403 answers carry WWW-Authenticate):

${cases.map((c) => `# ${c.status}: ${c.label}\n${c.command}`).join('\n\n')}

Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await app.close() // closes the guard the module created
  await issuer.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
