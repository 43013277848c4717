/**
 * The harness's API (see harness.ts) on Fastify 5 with `@bearerguard/fastify`: the routes
 * under /api live in a child context registered with the plugin, their requirements in route
 * `config` (and, for /api/admin and /api/checked, in `app.requireScopes()` / `app.requireClaims()`
 * as a `preHandler`), so both ways are
 * covered. Fastify builds its app asynchronously: the listener waits for `ready()`.
 */
import { bearerguard, protectedResourceMetadata } from '@bearerguard/fastify'
import { toGuard } from '@bearerguard/core'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyRequest } from 'fastify'
import type { MakeApp } from './harness.js'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'
import { emailVerified, ROLE, TENANT_CLAIMS } from './role-routes.js'

export const fastifyApp: MakeApp = (guardOrOptions, settings = {}) => {
  const guard = toGuard(guardOrOptions)
  const app = Fastify({ trustProxy: settings.trustProxy === true })
  void app.register(formbody)
  if (guard.resourceMetadataUrl) {
    void app.register(protectedResourceMetadata, { guard, ...settings.metadata })
  }
  app.get('/health', () => ({ ok: true }))
  void app.register(
    async (api) => {
      await api.register(bearerguard, { guard })
      const me = (request: FastifyRequest) => JSON.stringify(request.auth ?? null)
      api.get('/me', (request, reply) => reply.type('application/json').send(me(request)))
      api.post('/me', (request, reply) => reply.type('application/json').send(me(request)))
      api.get('/orders', { config: { scopes: ['orders:read'] } }, (request) => ({
        subject: request.auth?.subject,
        scopes: request.auth?.scopes,
      }))
      api.post('/orders', { config: { anyScopes: ['orders:write', 'admin'] } }, (_request, reply) =>
        reply.code(201).send({ created: true }),
      )
      api.get('/admin', { preHandler: api.requireScopes('orders:read', 'admin') }, () => ({
        admin: true,
      }))
      api.get('/mfa', { config: { stepUp: { acrValues: [MFA_ACR, HWK_ACR] } } }, (request) => ({
        subject: request.auth?.subject,
        scopes: request.auth?.scopes,
        acr: request.auth?.claims.acr,
      }))
      api.get('/recent', { config: { stepUp: { maxAge: RECENT_MAX_AGE } } }, (request) => ({
        subject: request.auth?.subject,
        scopes: request.auth?.scopes,
      }))
      const subject = (request: FastifyRequest) => ({ subject: request.auth?.subject })
      api.get('/roles', { config: { roles: [ROLE] } }, subject)
      api.get('/tenant', { config: { claims: TENANT_CLAIMS } }, subject)
      api.get('/checked', { preHandler: api.requireClaims(emailVerified) }, subject)
    },
    { prefix: '/api' },
  )
  const ready = app.ready()
  return (req, res) => {
    ready.then(
      () => app.server.emit('request', req, res),
      (error: Error) => res.writeHead(500).end(`fastify app failed to start: ${error.message}`),
    )
  }
}
