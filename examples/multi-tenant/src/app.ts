/**
 * The example API: who called from which tenant, orders for calling apps (an app role) and
 * orders for signed-in users (a delegated permission).
 */
import {
  authErrorHandler,
  bearerAuth,
  requireRoles,
  requireScopes,
  type Guard,
} from '@bearerguard/express'
import express from 'express'

/** Builds the API around a guard that trusts a `{tenantid}` issuer template. */
export function createApp(guard: Guard): express.Express {
  const app = express()
  app.use('/api', bearerAuth(guard))

  // tid is the tenant: the guard checked that it is allowed and that it matches iss.
  app.get('/api/me', (req, res) => {
    res.json({
      tenant: req.auth?.claims.tid,
      issuer: req.auth?.issuer,
      subject: req.auth?.subject,
      client: req.auth?.clientId,
      roles: req.auth?.roles,
      scopes: req.auth?.scopes,
    })
  })

  // An application permission: an app role granted to the calling app, in an app-only
  // token's roles (client credentials, no user).
  app.get('/api/orders', requireRoles('Orders.Read.All'), (req, res) => {
    res.json({ tenant: req.auth?.claims.tid, orders: [] })
  })

  // A delegated permission: a user signed in to the calling app, in the token's scp.
  app.get('/api/me/orders', requireScopes('Orders.Read'), (req, res) => {
    res.json({ tenant: req.auth?.claims.tid, user: req.auth?.subject, orders: [] })
  })

  app.use(authErrorHandler())
  return app
}
