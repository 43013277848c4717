import express from 'express'
import { authErrorHandler, bearerAuth, requireScopes } from '@bearerguard/express'
import type { MigrationConfig } from '../config.js'

export function createApp({ issuer, jwksUri, audience }: MigrationConfig) {
  const app = express()
  app.use('/api', bearerAuth({ issuer, jwksUri, algorithms: ['RS256'], audience }))
  app.get('/api/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ user: req.auth?.subject })
  })
  app.use(authErrorHandler())
  return app
}
