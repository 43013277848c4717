/** express-oauth2-jwt-bearer: auth() with discovery from the issuer, requiredScopes(). */
import express, { type ErrorRequestHandler } from 'express'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import { createServer } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const app = express()
app.get(
  '/orders',
  auth({ issuerBaseURL: issuer, audience }),
  requiredScopes(SCOPE),
  (_req, res) => {
    res.json(ORDERS)
  },
)

// The library's errors carry status, code and WWW-Authenticate headers.
const onError: ErrorRequestHandler = (err, _req, res, next) => {
  const status = typeof err?.status === 'number' ? err.status : 500
  if (res.headersSent || status >= 500) {
    next(err)
    return
  }
  res
    .status(status)
    .set(err.headers ?? {})
    .json({ error: err.code ?? 'invalid_token' })
}
app.use(onError)
announce(createServer(app), port)
