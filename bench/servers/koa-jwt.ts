/** koa-jwt + jwks-rsa (koaJwtSecret), the scope checked by hand. */
import Router from '@koa/router'
import { koaJwtSecret } from 'jwks-rsa'
import Koa from 'koa'
import jwt from 'koa-jwt'
import { createServer } from 'node:http'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()
const app = new Koa()

// koa-jwt throws 401s; answer them (and 403s) as JSON like every other contender.
app.use(async (ctx, next) => {
  try {
    await next()
  } catch (err) {
    const status = (err as { status?: number }).status
    if (status !== 401 && status !== 403) throw err
    ctx.status = status
    ctx.set(
      'WWW-Authenticate',
      status === 401 ? 'Bearer error="invalid_token"' : 'Bearer error="insufficient_scope"',
    )
    ctx.body = { error: status === 401 ? 'invalid_token' : 'insufficient_scope' }
  }
})

const router = new Router()
router.get(
  '/orders',
  jwt({
    secret: koaJwtSecret({ jwksUri, cache: true, rateLimit: true }),
    algorithms: ['RS256'],
    audience,
    issuer,
  }),
  (ctx) => {
    if (!hasScope((ctx.state.user as { scope?: unknown } | undefined)?.scope)) {
      ctx.throw(403, 'insufficient_scope')
    }
    ctx.body = ORDERS
  },
)
app.use(router.routes())
announce(createServer(app.callback()), port)
