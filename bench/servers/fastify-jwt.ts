/**
 * @fastify/jwt with get-jwks (the pairing @fastify/jwt's README shows for JWKS), RS256,
 * issuer and audience checked; the scope checked by hand in an onRequest hook.
 */
import fastifyJwt from '@fastify/jwt'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import buildGetJwks from 'get-jwks'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()
const getJwks = buildGetJwks({ jwksPath: new URL(jwksUri).pathname, issuersWhitelist: [issuer] })
const app = Fastify()
await app.register(fastifyJwt, {
  decode: { complete: true },
  secret: (_request: FastifyRequest, token: unknown) => {
    const { header } = token as { header: { kid?: string; alg?: string } }
    return getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: issuer })
  },
  verify: { allowedIss: issuer, allowedAud: audience, algorithms: ['RS256'] },
})
app.get(
  '/orders',
  {
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await request.jwtVerify()
      } catch {
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer error="invalid_token"')
          .send({ error: 'invalid_token' })
      }
      if (!hasScope((request.user as { scope?: unknown }).scope)) {
        return reply
          .code(403)
          .header('WWW-Authenticate', 'Bearer error="insufficient_scope"')
          .send({ error: 'insufficient_scope' })
      }
    },
  },
  () => ORDERS,
)
await app.ready()
announce(app.server, port)
