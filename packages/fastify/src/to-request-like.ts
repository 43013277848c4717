/** Maps a Fastify request to core's framework-neutral `RequestLike`. */
import type { RequestLike } from '@bearerguard/core'
import { nodeRequestLike } from '@bearerguard/core/adapter'
import type { FastifyRequest } from 'fastify'

/**
 * Scheme and host come from `request.protocol` and `request.host`, so Fastify's `trustProxy`
 * decides whether `X-Forwarded-Proto` and `X-Forwarded-Host` count (DPoP's `htu` is checked
 * against that URL). The target is the URL as the client sent it. The body is the one
 * Fastify parsed, when authentication runs after parsing (form-body tokens). Every
 * `Authorization` and `DPoP` header sent is kept, so two of them are refused.
 *
 * @example
 * ```ts
 * app.addHook('preHandler', async (request) => {
 *   const auth = await guard.authenticate(toRequestLike(request))
 * })
 * ```
 */
export function toRequestLike(request: FastifyRequest): RequestLike {
  return nodeRequestLike(request.raw, request, request.method, request.url, originOf, request.body)
}

/** Scheme and host of the URL the client addressed (only worked out when it is needed). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host || 'localhost'}`
}
