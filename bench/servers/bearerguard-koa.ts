/** bearerguard's Koa adapter: bearerAuth() + requireScopes(), introspection for opaque tokens. */
import { bearerAuth, requireScopes } from '@bearerguard/koa'
import Router from '@koa/router'
import Koa from 'koa'
import { createServer } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const app = new Koa()
const router = new Router()
router.get(
  '/orders',
  bearerAuth({
    issuer,
    audience,
    introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  }),
  requireScopes(SCOPE),
  (ctx) => {
    ctx.body = ORDERS
  },
)
app.use(router.routes())
announce(createServer(app.callback()), port)
