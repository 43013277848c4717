/**
 * bearerguard-gateway's decision endpoint: the Envoy ext_authz contract without a path prefix,
 * so `GET /orders` with the client's Authorization header is a check of `GET /orders`. 200 with
 * identity headers (no body), or the denial. Logging at warn: no line per decision.
 */
import { createGateway } from '@bearerguard/gateway'
import { createServer } from 'node:http'
import { announce, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()
const gateway = createGateway({
  guard: {
    issuer,
    audience,
    introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
  },
  forwardAuth: { nginx: false, traefik: false, envoy: '' },
  // with an Envoy check on every path, the operations endpoints need a listener of their own
  // (not started here: gateway.api is served alone)
  ops: { port: 0 },
  rules: [{ path: '/orders', methods: ['GET'], scopes: [SCOPE] }],
  logging: { level: 'warn' },
})
announce(createServer(gateway.api), port)
