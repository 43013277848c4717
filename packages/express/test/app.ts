/** A small API protected by bearerguard, built on Express 5 or Express 4, for the tests. */
import type { Guard, GuardOptions } from '@bearerguard/core'
import express5 from 'express'
import express4 from 'express4'
import { authErrorHandler, bearerAuth, requireAnyScope, requireScopes } from '../src/index.js'

export const AUDIENCE = 'https://api.example.com'

export const expressVersions = [
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
] as const

export type ExpressFactory = typeof express5

export interface AppOptions {
  /** Answer AuthErrors with JSON via authErrorHandler() (default: Express's default handler). */
  jsonErrors?: boolean
  /** A custom error handler mounted last. */
  errorHandler?: express5.ErrorRequestHandler
}

export function makeApp(
  express: ExpressFactory,
  guard: Guard | GuardOptions,
  options: AppOptions = {},
) {
  const app = express()
  app.set('env', 'test') // keeps Express's default handler from logging every expected 401
  app.use(express.urlencoded({ extended: false }))
  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })
  app.use('/api', bearerAuth(guard))
  app.get('/api/me', (req, res) => {
    res.json(req.auth ?? null)
  })
  app.post('/api/me', (req, res) => {
    res.json(req.auth ?? null)
  })
  app.get('/api/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes })
  })
  app.post('/api/orders', requireAnyScope('orders:write', 'admin'), (_req, res) => {
    res.status(201).json({ created: true })
  })
  app.get('/api/admin', requireScopes('orders:read', 'admin'), (_req, res) => {
    res.json({ admin: true })
  })
  if (options.jsonErrors) app.use(authErrorHandler())
  if (options.errorHandler) app.use(options.errorHandler)
  return app
}
