/** A small API protected by bearerguard, built on Koa 3 or Koa 2 with @koa/router, for the tests. */
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import Koa2 from 'koa2'
import { authErrorHandler, bearerAuth, requireAnyScope, requireScopes } from '../src/index.js'
import type { Guard, GuardOptions } from '../src/index.js'

export const AUDIENCE = 'https://api.example.com'

export type KoaClass = typeof Koa

export const koaVersions = [
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const satisfies ReadonlyArray<readonly [string, KoaClass]>

export interface AppOptions {
  /** `app.proxy`. */
  proxy?: boolean
  /** A middleware mounted first (e.g. the user's own error handling). */
  first?: Koa.Middleware
  /** Mount authErrorHandler() first. */
  explicitErrors?: boolean
}

export interface TestApp {
  app: Koa
  /** Every error emitted as `'error'` on the app. */
  emitted: unknown[]
}

export function makeApp(
  KoaVersion: KoaClass,
  guard: Guard | GuardOptions,
  options: AppOptions = {},
): TestApp {
  const app = new KoaVersion()
  app.proxy = options.proxy ?? false
  const emitted: unknown[] = []
  app.on('error', (err: unknown) => emitted.push(err))
  if (options.first) app.use(options.first)
  if (options.explicitErrors) app.use(authErrorHandler())
  app.use(bodyParser())

  const open = new Router()
  open.get('/health', (ctx) => {
    ctx.body = { ok: true }
  })

  const api = new Router({ prefix: '/api' })
  api.use(bearerAuth(guard))
  api.get('/me', (ctx) => {
    ctx.body = { auth: ctx.state.auth ?? null }
  })
  api.post('/me', (ctx) => {
    ctx.body = { auth: ctx.state.auth ?? null }
  })
  api.get('/orders', requireScopes('orders:read'), (ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes }
  })
  api.post('/orders', requireAnyScope('orders:write', 'admin'), (ctx) => {
    ctx.status = 201
    ctx.body = { created: true }
  })
  api.get('/admin', requireScopes('orders:read', 'admin'), (ctx) => {
    ctx.body = { admin: true }
  })
  api.get('/boom', () => {
    throw new Error('boom')
  })

  app.use(open.routes())
  app.use(api.routes())
  return { app, emitted }
}
