/** bearerguard's Fastify plugin: the route's scope in its config, introspection for opaque tokens. */
import bearerguard from '@bearerguard/fastify'
import Fastify from 'fastify'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const app = Fastify()
await app.register(bearerguard, {
  issuer,
  audience,
  introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
})
app.get('/orders', { config: { scopes: [SCOPE] } }, () => ORDERS)
await app.ready()
announce(app.server, port)
