/**
 * bearerguard's Express adapter: bearerAuth() + requireScopes(), introspection for opaque tokens.
 * Also the server of `bearerguard-express-otel-api` and `bearerguard-express-otel-sdk`, which
 * differ only in what `BENCH_OTEL` sets up (otel.ts); `bearerguard-express` itself runs without
 * `@opentelemetry/api` (hidden by without-otel-api.mjs), as an app without OpenTelemetry does.
 */
import { createGuard } from '@bearerguard/core'
import { authErrorHandler, bearerAuth, requireScopes } from '@bearerguard/express'
import express from 'express'
import { createServer } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'
import { setUpOpenTelemetry } from './otel.js'

const { port, issuer, audience } = serverConfig()
// before the guard: the SDK (otel-sdk contender) is registered as an app's instrumentation is
const otel = await setUpOpenTelemetry()
const guard = createGuard({
  issuer,
  audience,
  introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
})
// core imports @opentelemetry/api lazily, once the first guard is made: ready() waits for it
// (and fetches the keys), so telemetry is on, or known off, from the first request
await guard.ready()
const app = express()
app.get('/orders', bearerAuth(guard), requireScopes(SCOPE), (_req, res) => {
  res.json(ORDERS)
})
app.use(authErrorHandler())
// after the error handler: no /orders request, answered or refused, reaches this layer
app.get('/__otel', (_req, res, next) => {
  otel.report().then((report) => res.json(report), next)
})
announce(createServer(app), port)
