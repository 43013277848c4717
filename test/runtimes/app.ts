/**
 * The Hono app every runtime serves, protected by `@bearerguard/hono` as published: GET /orders
 * needs `orders:read` and answers the caller's subject, scopes and token format; /health is
 * open. Rejections are answered by the package's own rendering (through `app.onError`).
 */
import { bearerAuth, requireScopes } from '@bearerguard/hono'
import { Hono } from 'hono'

/** What the test hands the app: its authorization server and the API's identifier. */
export interface RuntimeAppConfig {
  issuer: string
  audience: string
  clientId: string
  clientSecret: string
}

/** Builds the app; one guard per app, kept as long as the runtime keeps the app. */
export function createRuntimeApp(config: RuntimeAppConfig): Hono {
  const app = new Hono()
  app.get('/health', (c) => c.json({ ok: true, runtime: runtimeName() }))
  app.use(
    '/orders',
    bearerAuth({
      issuer: config.issuer,
      audience: config.audience,
      jwksCooldown: 0,
      introspection: { clientId: config.clientId, clientSecret: config.clientSecret },
    }),
  )
  app.get('/orders', requireScopes('orders:read'), (c) => {
    const auth = c.get('auth')
    return c.json({ subject: auth?.subject, scopes: auth?.scopes, format: auth?.format })
  })
  return app
}

/** Which runtime runs the app, as it says itself. */
function runtimeName(): string {
  const g = globalThis as Record<string, unknown>
  if (typeof g.Bun !== 'undefined') return 'bun'
  if (typeof g.Deno !== 'undefined') return 'deno'
  if (
    typeof g.navigator === 'object' &&
    (g.navigator as { userAgent?: string }).userAgent === 'Cloudflare-Workers'
  ) {
    return 'workerd'
  }
  return 'node'
}
