/**
 * `npm run start:multi-issuer`: one API trusting two local authorization servers, each with
 * settings of its own, and a third it does not trust; then ready-to-paste curl commands.
 *
 * - workforce: keys found by discovery, any asymmetric algorithm, the guard's audience;
 * - partner: a fixed JWKS URL (no discovery), ES256 only, an audience of its own.
 */
import type { AddressInfo } from 'node:net'
import { createGuard } from '@bearerguard/express'
import { createTestIssuer } from '@bearerguard/testing'
import { createApp } from './app.js'

const AUDIENCE = 'https://api.example.com'
const PARTNER_AUDIENCE = 'https://partners.api.example.com'
const port = Number(process.env.PORT ?? 3003)

const workforce = await createTestIssuer({ path: '/workforce', audience: AUDIENCE, tokenTtl: 3600 })
const partner = await createTestIssuer({
  path: '/partner',
  algorithms: ['ES256'],
  audience: PARTNER_AUDIENCE,
  tokenTtl: 3600,
})
const stranger = await createTestIssuer({ path: '/stranger', audience: AUDIENCE, tokenTtl: 3600 })

const guard = createGuard({
  issuer: [
    workforce.url, // discovery finds its JWKS
    {
      issuer: partner.url,
      jwksUri: partner.jwksUri, // no discovery for this one
      algorithms: ['ES256'],
      audience: PARTNER_AUDIENCE,
    },
  ],
  audience: AUDIENCE,
})
await guard.ready() // fetches both issuers' keys now

const server = createApp(guard).listen(port, '127.0.0.1')
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve)
  server.once('error', reject)
})
const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const employee = await workforce.token({ sub: 'alice', scope: 'orders:read' })
const partnerApp = await partner.token({ sub: 'acme-app', scope: 'orders:read' })
const partnerForWrongApi = await partner.token({
  sub: 'acme-app',
  scope: 'orders:read',
  aud: AUDIENCE,
})
const partnerRs256 = await partner.token(
  { sub: 'acme-app', scope: 'orders:read' },
  { alg: 'RS256' },
)
// Signed with the partner's key, but claiming to come from the workforce issuer.
const impostor = await partner.token({
  iss: workforce.url,
  aud: AUDIENCE,
  sub: 'mallory',
  scope: 'orders:read',
})
const strangerToken = await stranger.token({ sub: 'eve', scope: 'orders:read' })
const noScope = await workforce.token({ sub: 'bob', scope: 'profile' })

const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`
console.log(`bearerguard multi-issuer example on ${api}

  trusted   workforce  ${workforce.url}  (discovery; audience ${AUDIENCE})
  trusted   partner    ${partner.url}  (jwksUri ${partner.jwksUri}; ES256 only; audience ${PARTNER_AUDIENCE})
  untrusted stranger   ${stranger.url}

# 200: workforce token with orders:read
curl -i ${api}/api/orders ${bearer(employee)}

# 200: partner token with orders:read (its own audience, ES256, keys from its jwksUri)
curl -i ${api}/api/orders ${bearer(partnerApp)}

# 200: who am I, and which issuer vouched for me
curl -i ${api}/api/me ${bearer(partnerApp)}

# 401: partner token for the workforce audience (each issuer has its own audience)
curl -i ${api}/api/orders ${bearer(partnerForWrongApi)}

# 401: partner token signed RS256 (the partner is allowed ES256 only)
curl -i ${api}/api/orders ${bearer(partnerRs256)}

# 401: the partner's key signing a token that claims the workforce issuer
curl -i ${api}/api/orders ${bearer(impostor)}

# 401: a token from an issuer nobody trusts (refused before any network call)
curl -i ${api}/api/orders ${bearer(strangerToken)}

# 403: workforce token without orders:read
curl -i ${api}/api/orders ${bearer(noScope)}

# 401: no token
curl -i ${api}/api/orders

Tokens are valid for one hour. Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  server.closeAllConnections()
  server.close()
  await Promise.all([guard.close(), workforce.close(), partner.close(), stranger.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
