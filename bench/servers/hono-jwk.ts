/**
 * Hono's own `hono/jwk` middleware on Node (@hono/node-server): keys from `jwks_uri`, RS256,
 * `verification: { iss, aud }`; the scope checked by hand. It keeps no key cache of its own
 * (the JWKS is fetched for every request), as its documentation leaves caching to the host.
 */
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { jwk } from 'hono/jwk'
import type { JwtVariables } from 'hono/jwt'
import type { Server } from 'node:http'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()
const app = new Hono<{ Variables: JwtVariables }>()
app.use(
  '/orders',
  jwk({ jwks_uri: jwksUri, alg: ['RS256'], verification: { iss: issuer, aud: audience } }),
)
app.get('/orders', (c) => {
  if (!hasScope((c.get('jwtPayload') as { scope?: unknown }).scope)) {
    c.header('WWW-Authenticate', 'Bearer error="insufficient_scope"')
    return c.json({ error: 'insufficient_scope' }, 403)
  }
  return c.json(ORDERS)
})
announce(createAdaptorServer({ fetch: app.fetch }) as Server, port)
