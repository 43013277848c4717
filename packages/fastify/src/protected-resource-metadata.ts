/** `protectedResourceMetadata`: serves the RFC 9728 document at its well-known paths. */
import type { Guard, GuardOptions, MetadataEndpointOptions } from '@bearerguard/core'
import { createMetadataEndpoint, type MetadataEndpoint } from '@bearerguard/core/adapter'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Options of the `protectedResourceMetadata` plugin: the endpoint's options, and the guard
 * (or its options) — by default the one the `bearerguard` plugin registered in this context.
 *
 * @example
 * ```ts
 * await app.register(protectedResourceMetadata, { guard, scopes: ['profile'] })
 * ```
 */
export interface MetadataPluginOptions extends MetadataEndpointOptions {
  /** The guard whose document is served; default: `app.bearerguard`. */
  guard?: Guard | GuardOptions
}

const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']

const plugin: FastifyPluginAsync<MetadataPluginOptions> = async (fastify, options) => {
  const { guard = fastify.hasDecorator('bearerguard') ? fastify.bearerguard : undefined } = options
  if (guard === undefined) {
    throw new Error(
      'bearerguard: protectedResourceMetadata needs { guard }, or the bearerguard plugin registered first in the same context',
    )
  }
  const { controllers, scopes = [], maxAge } = options
  const endpointOptions = (more: readonly string[]): MetadataEndpointOptions => ({
    ...(controllers && { controllers }),
    ...(maxAge !== undefined && { maxAge }),
    scopes: [...scopes, ...more],
  })
  // built now (bad options fail at start-up); rebuilt once routes are known
  let endpoint: MetadataEndpoint = createMetadataEndpoint(
    guard,
    endpointOptions([]),
    'protectedResourceMetadata',
  )
  const declared = new Set<string>()
  fastify.addHook('onRoute', (route) => {
    const config = route.config as { scopes?: unknown; anyScopes?: unknown } | undefined
    for (const list of [config?.scopes, config?.anyScopes]) {
      if (Array.isArray(list)) for (const scope of list) declared.add(String(scope))
    }
  })
  fastify.addHook('onReady', async () => {
    endpoint = createMetadataEndpoint(
      guard,
      endpointOptions([...declared]),
      'protectedResourceMetadata',
    )
  })
  for (const path of endpoint.paths) {
    fastify.route({
      method: METHODS,
      url: path,
      config: { public: true },
      exposeHeadRoute: false,
      handler(request, reply) {
        const answer = endpoint.respond(request.method, path)
        if (!answer) return reply.callNotFound()
        // a Buffer: Fastify sends it as is (to a string it would add a charset)
        const body = answer.body === undefined ? undefined : Buffer.from(answer.body)
        return reply.code(answer.status).headers(answer.headers).send(body)
      },
    })
  }
}

/**
 * Answers `GET`/`HEAD /.well-known/oauth-protected-resource` (and, for a resource with a
 * path, `/.well-known/oauth-protected-resource<path>`, RFC 9728 §3.1) with the guard's
 * metadata document (JSON, `Cache-Control: public`, any origin), CORS preflights with 204 and
 * other methods with 405. Register it on the root (not under a prefix). `scopes_supported` is
 * the guard's `resourceMetadata.scopesSupported` when set; otherwise the scopes of every route
 * `config` declared after this plugin, plus `scopes` and the `controllers`' declared scopes.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer, audience, resourceMetadata: true })
 * await app.register(protectedResourceMetadata, { guard })
 * await app.register(bearerguard, { guard })
 * ```
 */
export const protectedResourceMetadata = fp(plugin, {
  fastify: '5.x',
  name: '@bearerguard/fastify/protected-resource-metadata',
})
