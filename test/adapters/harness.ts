/**
 * The adapters under test, each building the same small API around a guard, so one behaviour
 * table (request → status, challenge, identity) runs against all of them and they cannot drift.
 *
 * Routes: GET /health (unprotected); under /api (bearerAuth): GET and POST /api/me (the
 * AuthInfo as JSON, or null), GET /api/orders (orders:read), POST /api/orders (orders:write or
 * admin), GET /api/admin (orders:read and admin). POST bodies may be form-encoded.
 */
import type { Guard, GuardOptions } from '@bearerguard/core'
import * as bgExpress from '@bearerguard/express'
import * as bgKoa from '@bearerguard/koa'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import express5 from 'express'
import express4 from 'express4'
import type { RequestListener } from 'node:http'

export const AUDIENCE = 'https://api.example.com'

/** What supertest accepts: a request listener. */
export type App = RequestListener
/** `trustProxy`: Express `trust proxy` / Koa `app.proxy`, so X-Forwarded-* count. */
export type MakeApp = (guard: Guard | GuardOptions, settings?: { trustProxy?: boolean }) => App

function expressApp(factory: typeof express5): MakeApp {
  return (guard, settings) => {
    const app = factory()
    app.set('env', 'test') // Express's default handler would log every expected 401 otherwise
    if (settings?.trustProxy) app.set('trust proxy', true)
    app.use(factory.urlencoded({ extended: false }))
    app.get('/health', (_req, res) => {
      res.json({ ok: true })
    })
    app.use('/api', bgExpress.bearerAuth(guard))
    const me: express5.RequestHandler = (req, res) => {
      res.json(req.auth ?? null)
    }
    app.get('/api/me', me)
    app.post('/api/me', me)
    app.get('/api/orders', bgExpress.requireScopes('orders:read'), (req, res) => {
      res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes })
    })
    app.post('/api/orders', bgExpress.requireAnyScope('orders:write', 'admin'), (_req, res) => {
      res.status(201).json({ created: true })
    })
    app.get('/api/admin', bgExpress.requireScopes('orders:read', 'admin'), (_req, res) => {
      res.json({ admin: true })
    })
    app.use(bgExpress.authErrorHandler())
    return app
  }
}

function koaApp(KoaVersion: typeof Koa3): MakeApp {
  return (guard, settings) => {
    const app = new KoaVersion()
    app.silent = true
    app.proxy = settings?.trustProxy === true
    app.use(bodyParser())
    const open = new Router()
    open.get('/health', (ctx) => {
      ctx.body = { ok: true }
    })
    const api = new Router({ prefix: '/api' })
    api.use(bgKoa.bearerAuth(guard))
    const me = (ctx: Koa3.Context) => {
      // Koa answers 204 to a null body; JSON null keeps the answer the same as Express's
      ctx.type = 'json'
      ctx.body = JSON.stringify(ctx.state.auth ?? null)
    }
    api.get('/me', me)
    api.post('/me', me)
    api.get('/orders', bgKoa.requireScopes('orders:read'), (ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes }
    })
    api.post('/orders', bgKoa.requireAnyScope('orders:write', 'admin'), (ctx) => {
      ctx.status = 201
      ctx.body = { created: true }
    })
    api.get('/admin', bgKoa.requireScopes('orders:read', 'admin'), (ctx) => {
      ctx.body = { admin: true }
    })
    app.use(open.routes()).use(api.routes())
    return app.callback()
  }
}

const express5App: [string, MakeApp] = ['Express 5', expressApp(express5)]
const koa3App: [string, MakeApp] = ['Koa 3', koaApp(Koa3)]

/** Every adapter and major version: for the cheap tables. */
export const ALL_ADAPTERS: Array<[string, MakeApp]> = [
  express5App,
  ['Express 4', expressApp(express4 as unknown as typeof express5)],
  koa3App,
  ['Koa 2', koaApp(Koa2 as unknown as typeof Koa3)],
]

/** One per framework, latest major: for the slow tables (timeouts, TTLs, cooldowns). */
export const LATEST_ADAPTERS: Array<[string, MakeApp]> = [express5App, koa3App]
