/** The example API: a few routes with different scope requirements. */
import {
  authErrorHandler,
  bearerAuth,
  requireAnyScope,
  requireScopes,
  type Guard,
} from '@bearerguard/express'
import express from 'express'

interface Order {
  id: number
  item?: unknown
  quantity?: unknown
  by?: string
}

const orders: Order[] = [{ id: 1, item: 'coffee beans', quantity: 2 }]

/** Builds the API around a guard (so tests and main.ts can bring their own). */
export function createApp(guard: Guard): express.Express {
  const app = express()
  app.use(express.json())

  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })

  app.use('/api', bearerAuth(guard))

  app.get('/api/me', (req, res) => {
    res.json({ subject: req.auth?.subject, clientId: req.auth?.clientId, scopes: req.auth?.scopes })
  })

  app.get('/api/orders', requireScopes('orders:read'), (_req, res) => {
    res.json(orders)
  })

  app.post('/api/orders', requireAnyScope('orders:write', 'admin'), (req, res) => {
    const { item, quantity } = (req.body ?? {}) as Record<string, unknown>
    const order: Order = { id: orders.length + 1, item, quantity, by: req.auth?.subject }
    orders.push(order)
    res.status(201).json(order)
  })

  // RFC 6750 JSON bodies for 400/401/403/503; Express's default handler would also send the
  // right status and WWW-Authenticate, with an HTML body.
  app.use(authErrorHandler())
  return app
}
