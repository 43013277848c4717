import express from 'express'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import type { MigrationConfig } from '../config.js'

export function createApp({ issuer, audience }: MigrationConfig) {
  const app = express()
  app.use('/api', auth({ issuerBaseURL: issuer, audience }))
  app.get('/api/orders', requiredScopes('orders:read'), (req, res) => {
    res.json({ user: req.auth?.payload.sub })
  })
  return app
}
