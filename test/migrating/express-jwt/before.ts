import express, { type ErrorRequestHandler } from 'express'
import { expressjwt, type GetVerificationKey, type Request } from 'express-jwt'
import jwksRsa from 'jwks-rsa'
import type { MigrationConfig } from '../config.js'

export function createApp({ issuer, jwksUri, audience }: MigrationConfig) {
  const app = express()
  app.use(
    '/api',
    expressjwt({
      secret: jwksRsa.expressJwtSecret({
        jwksUri,
        cache: true,
        rateLimit: true,
      }) as GetVerificationKey,
      algorithms: ['RS256'],
      issuer,
      audience,
    }),
  )
  app.get('/api/orders', (req: Request, res) => {
    const scopes = typeof req.auth?.scope === 'string' ? req.auth.scope.split(' ') : []
    if (!scopes.includes('orders:read')) {
      res.status(403).json({ error: 'insufficient_scope' })
      return
    }
    res.json({ user: req.auth?.sub })
  })
  const onError: ErrorRequestHandler = (err, _req, res, next) => {
    if (err.name !== 'UnauthorizedError') return next(err)
    res.status(401).json({ error: 'invalid_token' })
  }
  app.use(onError)
  return app
}
