/**
 * The HTTP request behind a Nest execution context — an HTTP route on platform-express or
 * platform-fastify, or a GraphQL resolver (whose context holds the request) — mapped to core's
 * `RequestLike` the way each platform trusts it, and the response to add headers to.
 */
import type { RequestLike } from '@bearerguard/core'
import { nodeRequestLike, type NodeIncoming } from '@bearerguard/core/adapter'
import type { ExecutionContext } from '@nestjs/common'

/** Express's request (Node's `IncomingMessage` with Express's additions). */
interface ExpressRequest extends NodeIncoming {
  method: string
  originalUrl: string
  protocol: string
  host?: string
  body?: unknown
}

/** Fastify's request: the Node request in `raw`. */
interface FastifyRequest {
  raw: NodeIncoming & { url?: string }
  method: string
  url: string
  protocol: string
  host: string
  body?: unknown
}

/** A request of either platform, with the `auth` the guard sets. */
export type PlatformRequest = (ExpressRequest | FastifyRequest) & { auth?: unknown }

/** The request and response of an HTTP route or a GraphQL resolver; undefined for other transports. */
export function httpOf(
  context: ExecutionContext,
): { request: PlatformRequest; response: unknown } | undefined {
  const type = context.getType<string>()
  if (type === 'http') {
    const http = context.switchToHttp()
    return { request: http.getRequest<PlatformRequest>(), response: http.getResponse<unknown>() }
  }
  if (type === 'graphql') {
    // [root, args, context, info]: the context Apollo (req, res) or Mercurius (reply) built
    const gql = context.getArgs()[2] as
      { req?: PlatformRequest; res?: unknown; reply?: { request?: PlatformRequest } } | undefined
    const request = gql?.req ?? gql?.reply?.request
    if (!request) return undefined
    return { request, response: gql?.res ?? gql?.reply ?? (request as { res?: unknown }).res }
  }
  return undefined
}

const isFastify = (request: PlatformRequest): request is FastifyRequest & { auth?: unknown } =>
  'raw' in request && typeof request.raw === 'object' && request.raw !== null

// Express 5 (Nest 11 and 12): req.protocol and req.host honour `trust proxy`
const expressOrigin = (req: ExpressRequest) => `${req.protocol}://${req.host ?? req.headers.host}`
// Fastify 5: request.protocol and request.host honour `trustProxy`
const fastifyOrigin = (req: FastifyRequest) => `${req.protocol}://${req.host}`

/**
 * The request as core sees it: every `Authorization` and `DPoP` header kept (two are refused),
 * the target as sent, the absolute URL (DPoP's `htu`) from the platform's trusted scheme and
 * host, and the parsed body (form-encoded tokens).
 */
export function toRequestLike(request: PlatformRequest): RequestLike {
  if (isFastify(request)) {
    const target = request.raw.url ?? request.url
    return nodeRequestLike(
      request.raw,
      request,
      request.method,
      target,
      fastifyOrigin,
      request.body,
    )
  }
  return nodeRequestLike(
    request,
    request,
    request.method,
    request.originalUrl,
    expressOrigin,
    request.body,
  )
}

/** Sets a header on an Express or Node response, or a Fastify reply. */
export function setResponseHeader(response: unknown, name: string, value: string): void {
  const r = response as {
    raw?: unknown
    header?: (n: string, v: string) => unknown
    setHeader?: (n: string, v: string) => unknown
  } | null
  if (!r) return
  if (r.raw !== undefined && typeof r.header === 'function') r.header(name, value)
  else if (typeof r.setHeader === 'function') r.setHeader(name, value)
}
