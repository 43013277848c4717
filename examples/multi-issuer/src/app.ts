/** The example API: who called, from which authorization server, and one scoped route. */
import { authErrorHandler, bearerAuth, requireScopes, type Guard } from '@bearerguard/express'
import express from 'express'

/** Builds the API around a guard that trusts several issuers. */
export function createApp(guard: Guard): express.Express {
  const app = express()
  app.use('/api', bearerAuth(guard))

  // req.auth.issuer says which authorization server vouched for the caller.
  app.get('/api/me', (req, res) => {
    res.json({ issuer: req.auth?.issuer, subject: req.auth?.subject, scopes: req.auth?.scopes })
  })

  app.get('/api/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ orders: [], for: `${req.auth?.subject} (${req.auth?.issuer})` })
  })

  app.use(authErrorHandler())
  return app
}
