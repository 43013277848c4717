import { bearerAuth, requireScopes } from '@bearerguard/koa'
import Router from '@koa/router'
import Koa from 'koa'
import type { MigrationConfig } from '../config.js'

export function createApp({ issuer, jwksUri, audience }: MigrationConfig) {
  const app = new Koa()
  const api = new Router({ prefix: '/api' })
  api.use(bearerAuth({ issuer, jwksUri, algorithms: ['RS256'], audience }))
  api.get('/orders', requireScopes('orders:read'), (ctx) => {
    ctx.body = { user: ctx.state.auth?.subject }
  })
  app.use(api.routes())
  return app
}
