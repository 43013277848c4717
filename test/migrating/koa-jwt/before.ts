import Router from '@koa/router'
import jwksRsa from 'jwks-rsa'
import Koa from 'koa'
import jwt from 'koa-jwt'
import type { MigrationConfig } from '../config.js'

export function createApp({ issuer, jwksUri, audience }: MigrationConfig) {
  const app = new Koa()
  const api = new Router({ prefix: '/api' })
  api.use(
    jwt({
      secret: jwksRsa.koaJwtSecret({ jwksUri, cache: true, rateLimit: true }),
      algorithms: ['RS256'],
      issuer,
      audience,
    }),
  )
  api.get('/orders', (ctx) => {
    const { sub, scope } = ctx.state.user as { sub?: string; scope?: unknown }
    const scopes = typeof scope === 'string' ? scope.split(' ') : []
    if (!scopes.includes('orders:read')) ctx.throw(403, 'insufficient_scope')
    ctx.body = { user: sub }
  })
  app.use(api.routes())
  return app
}
