/** The example API: a few routes with different scope requirements. */
import { bodyParser } from '@koa/bodyparser'
import { bearerAuth, requireAnyScope, requireScopes, type Guard } from '@bearerguard/koa'
import Router from '@koa/router'
import Koa from 'koa'

interface Order {
  id: number
  item?: unknown
  quantity?: unknown
  by?: string
}

const orders: Order[] = [{ id: 1, item: 'coffee beans', quantity: 2 }]

/** Builds the API around a guard (so tests and main.ts can bring their own). */
export function createApp(guard: Guard): Koa {
  const app = new Koa()
  app.use(bodyParser())

  const open = new Router()
  open.get('/health', (ctx) => {
    ctx.body = { ok: true }
  })

  // Rejections are thrown as AuthErrors: uncaught, bearerguard answers them with the status,
  // WWW-Authenticate (or Retry-After) and an RFC 6750 JSON body, and emits only 503s as 'error'.
  const api = new Router({ prefix: '/api' })
  api.use(bearerAuth(guard))

  api.get('/me', (ctx) => {
    const auth = ctx.state.auth
    ctx.body = { subject: auth?.subject, clientId: auth?.clientId, scopes: auth?.scopes }
  })

  api.get('/orders', requireScopes('orders:read'), (ctx) => {
    ctx.body = orders
  })

  api.post('/orders', requireAnyScope('orders:write', 'admin'), (ctx) => {
    const { item, quantity } = (ctx.request.body ?? {}) as Record<string, unknown>
    const order: Order = { id: orders.length + 1, item, quantity, by: ctx.state.auth?.subject }
    orders.push(order)
    ctx.status = 201
    ctx.body = order
  })

  app.use(open.routes())
  app.use(api.routes())
  app.use(api.allowedMethods())
  return app
}
