/** express-jwt + jwks-rsa (expressJwtSecret), the scope checked by hand. */
import express, { type ErrorRequestHandler } from 'express'
import { expressjwt, type Request as JwtRequest } from 'express-jwt'
import { expressJwtSecret, type GetVerificationKey } from 'jwks-rsa'
import { createServer } from 'node:http'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()
const app = express()
app.get(
  '/orders',
  expressjwt({
    secret: expressJwtSecret({ jwksUri, cache: true, rateLimit: true }) as GetVerificationKey,
    algorithms: ['RS256'],
    audience,
    issuer,
  }),
  (req: JwtRequest, res) => {
    if (!hasScope(req.auth?.scope)) {
      res
        .status(403)
        .set('WWW-Authenticate', 'Bearer error="insufficient_scope"')
        .json({ error: 'insufficient_scope' })
      return
    }
    res.json(ORDERS)
  },
)

const onError: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent || err?.name !== 'UnauthorizedError') {
    next(err)
    return
  }
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer error="invalid_token"')
    .json({ error: 'invalid_token' })
}
app.use(onError)
announce(createServer(app), port)
