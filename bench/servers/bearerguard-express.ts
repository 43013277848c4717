/** bearerguard's Express adapter: bearerAuth() + requireScopes(), introspection for opaque tokens. */
import { authErrorHandler, bearerAuth, requireScopes } from '@bearerguard/express'
import express from 'express'
import { createServer } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const app = express()
app.get(
  '/orders',
  bearerAuth({
    issuer,
    audience,
    introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  }),
  requireScopes(SCOPE),
  (_req, res) => {
    res.json(ORDERS)
  },
)
app.use(authErrorHandler())
announce(createServer(app), port)
