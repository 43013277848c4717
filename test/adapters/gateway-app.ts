/**
 * The gateway as one more adapter of the harness: `@bearerguard/gateway` in reverse-proxy mode
 * in front of an echo upstream, with rules mirroring the harness routes. The upstream rebuilds
 * each route's answer from the identity headers the gateway adds (every claim travels in
 * `x-auth-claims`), so the same tables check the gateway's decisions and the identity it passes.
 */
import { toGuard } from '@bearerguard/core'
import { createGateway, createLogger, GatewayMetrics, type Gateway } from '@bearerguard/gateway'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MakeApp } from './harness.js'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'
import { ROLE, TENANT_CLAIMS } from './role-routes.js'

const RULES = [
  { path: '/health', methods: ['GET'], public: true as const },
  { path: '/api/me', methods: ['GET', 'POST'], authenticated: true as const },
  { path: '/api/orders', methods: ['GET'], scopes: ['orders:read'] },
  {
    path: '/api/orders',
    methods: ['POST'],
    scopes: ['orders:write', 'admin'],
    scopesMatch: 'any' as const,
  },
  { path: '/api/admin', methods: ['GET'], scopes: ['orders:read', 'admin'] },
  {
    path: '/api/mfa',
    methods: ['GET'],
    authenticated: true as const,
    acrValues: [MFA_ACR, HWK_ACR],
  },
  { path: '/api/recent', methods: ['GET'], authenticated: true as const, maxAge: RECENT_MAX_AGE },
  { path: '/api/roles', methods: ['GET'], roles: [ROLE] },
  { path: '/api/tenant', methods: ['GET'], claims: TENANT_CLAIMS },
]

/** The AuthInfo the upstream can rebuild from the gateway's identity headers, or null. */
function identityOf(req: IncomingMessage): Record<string, unknown> | null {
  const h = req.headers
  const one = (name: string) => (typeof h[name] === 'string' ? (h[name] as string) : undefined)
  if (one('x-auth-issuer') === undefined) return null
  const claims = JSON.parse(Buffer.from(one('x-auth-claims') ?? '', 'base64url').toString() || '{}')
  const [scheme, token] = (one('authorization') ?? '').split(/ +/)
  const cnf = claims.cnf as Record<string, unknown> | undefined
  const list = (value: string | undefined) => (value ? value.split(' ') : [])
  const expiresAt = one('x-auth-expires-at')
  return {
    ...(token && { token, scheme: /^dpop$/i.test(scheme ?? '') ? 'DPoP' : 'Bearer' }),
    format: one('x-auth-token-format'),
    issuer: one('x-auth-issuer'),
    subject: one('x-auth-subject'),
    clientId: one('x-auth-client-id'),
    audience: list(one('x-auth-audience')),
    scopes: list(one('x-auth-scopes')),
    expiresAt: expiresAt === undefined ? undefined : Number(expiresAt),
    claims,
    ...(cnf && { confirmation: cnf }),
  }
}

let upstream: Promise<string> | undefined

/** One echo upstream per test process, started on first use and never holding the process open. */
function echoUpstream(): Promise<string> {
  upstream ??= new Promise((resolve) => {
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const send = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
        const path = (req.url ?? '').split('?')[0]
        const auth = identityOf(req)
        if (path === '/health') return send(200, { ok: true })
        if (path === '/api/me') return send(200, auth)
        if (path === '/api/orders' && req.method === 'POST') return send(201, { created: true })
        if (path === '/api/orders')
          return send(200, { subject: auth?.subject, scopes: auth?.scopes })
        if (path === '/api/admin') return send(200, { admin: true })
        if (path === '/api/mfa') {
          return send(200, {
            subject: auth?.subject,
            scopes: auth?.scopes,
            acr: (auth?.claims as { acr?: unknown } | undefined)?.acr,
          })
        }
        if (path === '/api/recent')
          return send(200, { subject: auth?.subject, scopes: auth?.scopes })
        if (path === '/api/roles' || path === '/api/tenant')
          return send(200, { subject: auth?.subject })
        send(404, { error: 'not_found' })
      })
    })
    server.listen(0, '127.0.0.1', () => {
      server.unref()
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
  })
  return upstream
}

/** The gateway in reverse-proxy mode, as a request listener. */
export const gatewayApp: MakeApp = (guardOrOptions, settings) => {
  const guard = toGuard(guardOrOptions) // wrong options throw here, as in the other adapters
  let gateway: Promise<Gateway> | undefined
  return (req, res) => {
    gateway ??= echoUpstream().then((url) =>
      createGateway(
        {
          proxy: { port: 0, upstream: url },
          // the harness's trustProxy: X-Forwarded-* count only from trusted hops (loopback here)
          trustedProxies: settings?.trustProxy ? ['loopback'] : [],
          rules: RULES,
          identity: { headers: { claimsJson: 'x-auth-claims' } },
        },
        {
          guard,
          logger: createLogger('silent'),
          // as the adapters: scopes_supported only from what the test lists
          metadata: settings?.metadata ?? {},
          metrics: new GatewayMetrics({ defaultMetrics: false }),
        },
      ),
    )
    void gateway.then((g) => g.proxy?.(req, res))
  }
}
