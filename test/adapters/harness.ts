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
import express5 from 'express'
import express4 from 'express4'
import type { RequestListener } from 'node:http'

export const AUDIENCE = 'https://api.example.com'

/** What supertest accepts: a request listener. */
export type App = RequestListener
export type MakeApp = (guard: Guard | GuardOptions) => App

function expressApp(factory: typeof express5): MakeApp {
  return (guard) => {
    const app = factory()
    app.set('env', 'test') // Express's default handler would log every expected 401 otherwise
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

/** Every adapter and major version: for the cheap tables. */
export const ALL_ADAPTERS: Array<[string, MakeApp]> = [
  ['Express 5', expressApp(express5)],
  ['Express 4', expressApp(express4 as unknown as typeof express5)],
]

/** One per framework, latest major: for the slow tables (timeouts, TTLs, cooldowns). */
export const LATEST_ADAPTERS: Array<[string, MakeApp]> = [ALL_ADAPTERS[0] as [string, MakeApp]]
