/**
 * The harness's API (see harness.ts) on Hono 4 with `@bearerguard/hono`, served by
 * `@hono/node-server`'s request listener: `bearerAuth()` on /api/*, each route's requirement
 * as a `require…()` middleware, form bodies read by the middleware itself (Hono needs no body
 * parser), rejections answered by `authErrorHandler` in `app.onError` (bugs: a bare 500).
 * Hono reads no X-Forwarded-* itself: with `trustProxy` the listener hands the app the public
 * URL they name, as a deployment behind a proxy it trusts would; without, the URL is the one
 * the connection and its Host header give.
 */
import { toGuard } from '@bearerguard/core'
import {
  authErrorHandler,
  authErrorOf,
  bearerAuth,
  protectedResourceMetadata,
  requireAnyScope,
  requireClaims,
  requireRoles,
  requireScopes,
  requireStepUp,
} from '@bearerguard/hono'
import { getRequestListener } from '@hono/node-server'
import { Hono, type Context } from 'hono'
import type { MakeApp } from './harness.js'
import { emailVerified, ROLE, TENANT_CLAIMS } from './role-routes.js'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'

export const honoApp: MakeApp = (guardOrOptions, settings = {}) => {
  const guard = toGuard(guardOrOptions)
  const app = new Hono()
  app.onError((error, c) =>
    authErrorOf(error) ? authErrorHandler(error, c) : c.text('Internal Server Error', 500),
  )
  if (guard.resourceMetadataUrl) app.use(protectedResourceMetadata(guard, settings.metadata))
  app.get('/health', (c) => c.json({ ok: true }))
  app.use('/api/*', bearerAuth(guard))
  const me = (c: Context) => c.json(c.get('auth') ?? null)
  app.get('/api/me', me)
  app.post('/api/me', me)
  app.get('/api/orders', requireScopes('orders:read'), (c) =>
    c.json({ subject: c.get('auth')?.subject, scopes: c.get('auth')?.scopes }),
  )
  app.post('/api/orders', requireAnyScope('orders:write', 'admin'), (c) =>
    c.json({ created: true }, 201),
  )
  app.get('/api/admin', requireScopes('orders:read', 'admin'), (c) => c.json({ admin: true }))
  app.get('/api/mfa', requireStepUp({ acrValues: [MFA_ACR, HWK_ACR] }), (c) => {
    const auth = c.get('auth')
    return c.json({ subject: auth?.subject, scopes: auth?.scopes, acr: auth?.claims.acr })
  })
  app.get('/api/recent', requireStepUp({ maxAge: RECENT_MAX_AGE }), (c) =>
    c.json({ subject: c.get('auth')?.subject, scopes: c.get('auth')?.scopes }),
  )
  const subject = (c: Context) => c.json({ subject: c.get('auth')?.subject })
  app.get('/api/roles', requireRoles(ROLE), subject)
  app.get('/api/tenant', requireClaims(TENANT_CLAIMS), subject)
  app.get('/api/checked', requireClaims(emailVerified), subject)
  return getRequestListener(
    settings.trustProxy ? (request, env) => app.fetch(forwarded(request), env) : app.fetch,
  )
}

/** `request` with the URL X-Forwarded-Proto and X-Forwarded-Host name (their first values). */
function forwarded(request: Request): Request {
  const proto = first(request.headers.get('x-forwarded-proto'))
  const host = first(request.headers.get('x-forwarded-host'))
  if (proto === undefined && host === undefined) return request
  const url = new URL(request.url)
  const scheme = proto ?? url.protocol.slice(0, -1)
  return new Request(`${scheme}://${host ?? url.host}${url.pathname}${url.search}`, request)
}

function first(list: string | null): string | undefined {
  const value = list?.split(',', 1)[0]?.trim()
  return value ? value : undefined
}
