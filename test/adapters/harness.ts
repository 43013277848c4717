/**
 * The adapters under test, each building the same small API around a guard, so one behaviour
 * table (request → status, challenge, identity) runs against all of them and they cannot drift.
 *
 * Routes: GET /health (unprotected); under /api (bearerAuth): GET and POST /api/me (the
 * AuthInfo as JSON, or null), GET /api/orders (orders:read), POST /api/orders (orders:write or
 * admin), GET /api/admin (orders:read and admin), GET /api/mfa (step-up: acr MFA_ACR or
 * HWK_ACR), GET /api/recent (step-up: auth_time at most 300 s ago), GET /api/roles (role
 * `admin`), GET /api/tenant (claim `tenant` = `acme`), GET /api/checked (a predicate, see
 * role-routes.ts); each of the last five answers the caller's subject. POST bodies may be
 * form-encoded. A guard with `resourceMetadata` also gets `protectedResourceMetadata()` at the
 * root (with `metadata`, the endpoint's options).
 */
import {
  toGuard,
  type Guard,
  type GuardOptions,
  type MetadataEndpointOptions,
} from '@bearerguard/core'
import * as bgExpress from '@bearerguard/express'
import * as bgKoa from '@bearerguard/koa'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import express5 from 'express'
import express4 from 'express4'
import type { RequestListener } from 'node:http'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'
import { emailVerified, ROLE, TENANT_CLAIMS } from './role-routes.js'
import { fastifyApp } from './fastify-app.js'
import { gatewayApp } from './gateway-app.js'
import { honoApp } from './hono-app.js'
import { nestExpressApp, nestFastifyApp } from './nest-apps.js'

export const AUDIENCE = 'https://api.example.com'

/** What supertest accepts: a request listener. */
export type App = RequestListener
/**
 * `trustProxy`: Express `trust proxy` / Koa `app.proxy`, so X-Forwarded-* count; `metadata`:
 * options of `protectedResourceMetadata()` (mounted when the guard has `resourceMetadata`).
 */
export type MakeApp = (
  guard: Guard | GuardOptions,
  settings?: { trustProxy?: boolean; metadata?: MetadataEndpointOptions },
) => App

/** RFC 9470 step-up requirements of /api/mfa and /api/recent. */
export { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'

function expressApp(factory: typeof express5): MakeApp {
  return (guardOrOptions, settings = {}) => {
    const guard = toGuard(guardOrOptions)
    const app = factory()
    app.set('env', 'test') // Express's default handler would log every expected 401 otherwise
    if (settings.trustProxy) app.set('trust proxy', true)
    if (guard.resourceMetadataUrl) {
      app.use(bgExpress.protectedResourceMetadata(guard, settings.metadata))
    }
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
    app.get('/api/mfa', bgExpress.requireStepUp({ acrValues: [MFA_ACR, HWK_ACR] }), (req, res) => {
      res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes, acr: req.auth?.claims.acr })
    })
    app.get('/api/recent', bgExpress.requireStepUp({ maxAge: RECENT_MAX_AGE }), (req, res) => {
      res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes })
    })
    const subject: express5.RequestHandler = (req, res) => {
      res.json({ subject: req.auth?.subject })
    }
    app.get('/api/roles', bgExpress.requireRoles(ROLE), subject)
    app.get('/api/tenant', bgExpress.requireClaims(TENANT_CLAIMS), subject)
    app.get('/api/checked', bgExpress.requireClaims(emailVerified), subject)
    app.use(bgExpress.authErrorHandler())
    return app
  }
}

function koaApp(KoaVersion: typeof Koa3): MakeApp {
  return (guardOrOptions, settings = {}) => {
    const guard = toGuard(guardOrOptions)
    const app = new KoaVersion()
    app.silent = true
    app.proxy = settings.trustProxy === true
    if (guard.resourceMetadataUrl) {
      app.use(bgKoa.protectedResourceMetadata(guard, settings.metadata))
    }
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
    api.get('/mfa', bgKoa.requireStepUp({ acrValues: [MFA_ACR, HWK_ACR] }), (ctx) => {
      const auth = ctx.state.auth
      ctx.body = { subject: auth?.subject, scopes: auth?.scopes, acr: auth?.claims.acr }
    })
    api.get('/recent', bgKoa.requireStepUp({ maxAge: RECENT_MAX_AGE }), (ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes }
    })
    const subject = (ctx: Koa3.Context) => {
      ctx.body = { subject: ctx.state.auth?.subject }
    }
    api.get('/roles', bgKoa.requireRoles(ROLE), subject)
    api.get('/tenant', bgKoa.requireClaims(TENANT_CLAIMS), subject)
    api.get('/checked', bgKoa.requireClaims(emailVerified), subject)
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
  ['Fastify 5', fastifyApp],
  ['Hono 4', honoApp],
  ['NestJS 12 (express)', nestExpressApp],
  ['NestJS 12 (fastify)', nestFastifyApp],
  ['gateway', gatewayApp],
]

/** One per framework, latest major: for the slow tables (timeouts, TTLs, cooldowns). */
export const LATEST_ADAPTERS: Array<[string, MakeApp]> = [
  express5App,
  koa3App,
  ['Fastify 5', fastifyApp],
  ['Hono 4', honoApp],
  ['gateway', gatewayApp],
]
