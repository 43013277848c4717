/**
 * `npm run start:multi-tenant`: one API accepting Microsoft Entra ID-shaped v2.0 access tokens
 * from two allowed tenants of a local authorization server, then ready-to-paste curl commands.
 *
 * - issuer: the template `${origin}/{tenantid}/v2.0`, whose `{tenantid}` must equal the tid;
 * - keys: one fixed JWKS for every tenant, as Entra's common keys are;
 * - tenants: an allow-list of two tenant ids; any other is refused before any network call.
 */
import type { AddressInfo } from 'node:net'
import { createGuard } from '@bearerguard/express'
import { createTestIssuer, entraClaims } from '@bearerguard/testing'
import { createApp } from './app.js'

/** The API's application (client) id, which v2.0 access tokens carry in aud. */
const API = 'a8d9e0f1-2b3c-4d5e-8f60-7182939a4b5c'
/** Another API of the same organisation, for a token meant for it. */
const OTHER_API = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9'
/** Calling apps: a daemon (client credentials) and a web app users sign in to. */
const DAEMON = '0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a'
const WEB_APP = '9f8e7d6c-5b4a-4392-a817-161514131211'

const CONTOSO = 'c0a5e1b2-5f4d-4c1e-9a3b-0123456789ab' // allowed
const FABRIKAM = 'fab0d2c4-7e8f-4a1b-8c2d-3456789abcde' // allowed
const TAILSPIN = '7a11591e-0c3d-4e5f-a6b7-89abcdef0123' // not allowed

const port = Number(process.env.PORT ?? 3005)

const issuer = await createTestIssuer({ tenants: true, audience: API, tokenTtl: 3600 })
const template = `${issuer.origin}/{tenantid}/v2.0` // https://login.microsoftonline.com/{tenantid}/v2.0

const guard = createGuard({
  issuer: {
    issuer: template,
    jwksUri: issuer.jwksUri, // https://login.microsoftonline.com/common/discovery/v2.0/keys
    tenants: [CONTOSO, FABRIKAM],
  },
  audience: API,
  roleClaims: ['roles'], // app roles
  scopeClaim: 'scp', // delegated permissions
})
await guard.ready() // fetches the shared keys now

const server = createApp(guard).listen(port, '127.0.0.1')
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve)
  server.once('error', reject)
})
const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

/** Entra ID access tokens have `typ: 'JWT'` in their header. */
const entraToken = (claims: Record<string, unknown>) =>
  issuer.token(claims, { header: { typ: 'JWT' } })

const appOnly = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(CONTOSO),
    tenantId: CONTOSO,
    audience: API,
    azp: DAEMON,
    roles: ['Orders.Read.All'],
  }),
)
const delegated = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(FABRIKAM),
    tenantId: FABRIKAM,
    audience: API,
    azp: WEB_APP,
    oid: '3b0ac6d2-2a4f-4d0e-9a3e-5c8f1e7b2d10',
    sub: 'Xk3jR9pQ2wV7yT1uN6mL8cB4zD0fH5gA', // delegated tokens: a pairwise sub
    username: 'bob@fabrikam.example',
    scp: 'Orders.Read User.Read',
  }),
)
const otherTenant = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(TAILSPIN),
    tenantId: TAILSPIN,
    audience: API,
    azp: DAEMON,
    roles: ['Orders.Read.All'],
  }),
)
// Contoso's issuer, Tailspin's tid: the tenant in iss and the tid must be the same.
const spoofed = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(CONTOSO),
    tenantId: TAILSPIN,
    audience: API,
    azp: DAEMON,
    roles: ['Orders.Read.All'],
  }),
)
const forOtherApi = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(CONTOSO),
    tenantId: CONTOSO,
    audience: OTHER_API,
    azp: DAEMON,
    roles: ['Orders.Read.All'],
  }),
)
const withoutRole = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(CONTOSO),
    tenantId: CONTOSO,
    audience: API,
    azp: DAEMON,
    roles: ['Invoices.Read.All'],
  }),
)
const withoutScope = await entraToken(
  entraClaims({
    issuer: issuer.tenantUrl(FABRIKAM),
    tenantId: FABRIKAM,
    audience: API,
    azp: WEB_APP,
    sub: 'Xk3jR9pQ2wV7yT1uN6mL8cB4zD0fH5gA',
    scp: 'User.Read',
  }),
)

const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`
console.log(`bearerguard multi-tenant example on ${api}

  issuer       ${template}
  keys         ${issuer.jwksUri}  (one JWKS for every tenant)
  allowed      contoso ${CONTOSO}, fabrikam ${FABRIKAM}
  not allowed  tailspin ${TAILSPIN}
  audience     ${API}  (the API's application id)

# 200: app-only token of contoso with the app role Orders.Read.All
curl -i ${api}/api/orders ${bearer(appOnly)}

# 200: delegated token of fabrikam (a signed-in user) with scp Orders.Read
curl -i ${api}/api/me/orders ${bearer(delegated)}

# 200: who am I: tenant, subject, client, roles and scopes
curl -i ${api}/api/me ${bearer(delegated)}

# 401: token of tailspin, a tenant not allowed (refused before any network call)
curl -i ${api}/api/orders ${bearer(otherTenant)}

# 401: spoofed token: iss of contoso, tid of tailspin
curl -i ${api}/api/orders ${bearer(spoofed)}

# 401: contoso token for another API (aud is not this API's application id)
curl -i ${api}/api/orders ${bearer(forOtherApi)}

# 403: app-only token of contoso without Orders.Read.All (a role: no scope= in the challenge)
curl -i ${api}/api/orders ${bearer(withoutRole)}

# 403: delegated token of fabrikam without Orders.Read (scope="Orders.Read" in the challenge)
curl -i ${api}/api/me/orders ${bearer(withoutScope)}

# 401: no token
curl -i ${api}/api/orders

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
