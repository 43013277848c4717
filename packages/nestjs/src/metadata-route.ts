/**
 * Serves the RFC 9728 endpoint on the platform underneath Nest, before Nest's "not found"
 * handler: a Fastify route per path, or an Express middleware that answers only its paths.
 * Written there, not as a Nest controller, because its paths come from the resource identifier
 * and must not take the app's global prefix or versioning.
 */
import type { MetadataEndpoint } from '@bearerguard/core/adapter'
import type { ServerResponse } from 'node:http'

interface FastifyLike {
  route(options: {
    method: string[]
    url: string
    exposeHeadRoute: boolean
    handler: (request: { method: string }, reply: { hijack(): void; raw: ServerResponse }) => void
  }): unknown
}
interface ExpressLike {
  use(handler: (req: ExpressReq, res: ServerResponse, next: () => void) => void): unknown
}
interface ExpressReq {
  method: string
  originalUrl?: string
  url?: string
}

const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']

function write(res: ServerResponse, answer: ReturnType<MetadataEndpoint['respond']>): void {
  if (!answer) return
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body)
}

/**
 * Mounts `endpoint` on the platform's instance (`httpAdapter.getInstance()`).
 *
 * @example
 * ```ts
 * mountMetadataEndpoint(adapter.getType(), adapter.getInstance(), endpoint)
 * ```
 */
export function mountMetadataEndpoint(
  platform: string,
  instance: unknown,
  endpoint: MetadataEndpoint,
): void {
  if (platform === 'fastify') {
    for (const path of endpoint.paths) {
      ;(instance as FastifyLike).route({
        method: METHODS,
        url: path,
        exposeHeadRoute: false,
        handler(request, reply) {
          reply.hijack()
          write(reply.raw, endpoint.respond(request.method, path))
        },
      })
    }
    return
  }
  if (platform === 'express') {
    ;(instance as ExpressLike).use((req, res, next) => {
      const path = (req.originalUrl ?? req.url ?? '').split('?', 1)[0] as string
      const answer = endpoint.respond(req.method, path)
      if (answer) write(res, answer)
      else next()
    })
    return
  }
  throw new Error(
    `bearerguard: BearerguardModule serves the RFC 9728 endpoint on platform-express and platform-fastify, not "${platform}"; set metadataEndpoint: false and serve guard.metadata() yourself`,
  )
}
