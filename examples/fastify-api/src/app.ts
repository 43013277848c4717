/** The example API on Fastify: a few routes with different scope requirements. */
import bearerguard, { protectedResourceMetadata, type Guard } from '@bearerguard/fastify'
import Fastify, { type FastifyInstance } from 'fastify'

interface Order {
  id: number
  item?: unknown
  quantity?: unknown
  by?: string
}

const orders: Order[] = [{ id: 1, item: 'coffee beans', quantity: 2 }]

/** Builds the API around a guard (so tests and main.ts can bring their own). */
export async function createApp(guard: Guard): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } })

  // RFC 9728: clients find the authorization server from the challenge's resource_metadata
  await app.register(protectedResourceMetadata, { guard })
  app.get('/health', () => ({ ok: true }))

  // Everything registered in this context needs a valid token; route config adds scopes.
  // Rejections are answered with status, WWW-Authenticate (or Retry-After) and an RFC 6750
  // JSON body — or handed to your setErrorHandler first, if you set one.
  await app.register(
    async (api) => {
      await api.register(bearerguard, { guard })

      api.get('/me', (request) => {
        const auth = request.auth
        return { subject: auth?.subject, clientId: auth?.clientId, scopes: auth?.scopes }
      })

      api.get('/orders', { config: { scopes: ['orders:read'] } }, () => orders)

      api.post(
        '/orders',
        { config: { anyScopes: ['orders:write', 'admin'] } },
        async (request, reply) => {
          const { item, quantity } = (request.body ?? {}) as Record<string, unknown>
          const order: Order = { id: orders.length + 1, item, quantity, by: request.auth?.subject }
          orders.push(order)
          return reply.code(201).send(order)
        },
      )

      // the preHandler form, for requirements computed elsewhere
      api.delete('/orders', { preHandler: api.requireScopes('orders:write', 'admin') }, () => {
        orders.splice(1)
        return { deleted: true }
      })
    },
    { prefix: '/api' },
  )
  return app
}
