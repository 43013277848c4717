/**
 * @bearerguard/hono on Node (@hono/node-server): bearerAuth({ issuer, audience, introspection })
 * and requireScopes('orders:read').
 */
import { bearerAuth, requireScopes } from '@bearerguard/hono'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import type { Server } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const app = new Hono()
app.use(
  '/orders',
  bearerAuth({
    issuer,
    audience,
    introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  }),
)
app.get('/orders', requireScopes(SCOPE), (c) => c.json(ORDERS))
announce(createAdaptorServer({ fetch: app.fetch }) as Server, port)
