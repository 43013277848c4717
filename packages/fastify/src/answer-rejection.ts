/**
 * How a rejection reaches the client. An `AuthError` goes to the error handler of the route
 * when the app set one (`setErrorHandler`, or a route's `errorHandler`), so your handler
 * receives it first; otherwise it is answered here, as Fastify's default handler would answer
 * it but with the RFC 6750 JSON body: status, `WWW-Authenticate` / `Retry-After` /
 * `DPoP-Nonce`, and `{ error, error_description }`. Anything that is not an `AuthError` (a
 * bug) always goes to Fastify's error handling, for its 500.
 */
import { AuthError } from '@bearerguard/core'
import { renderError } from '@bearerguard/core/adapter'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { hasOwnErrorHandler } from './route-requirement.js'

/**
 * A Fastify error handler that answers an `AuthError` with its status, headers and RFC 6750
 * JSON body, and hands anything else on (it throws it, so the next handler up receives it).
 * Call it from your own handler to keep bearerguard's answers, or set it as is.
 *
 * @example
 * ```ts
 * app.setErrorHandler((error, request, reply) => {
 *   if (error instanceof AuthError) return authErrorHandler(error, request, reply)
 *   request.log.error(error)
 *   return reply.code(500).send({ message: 'Something went wrong' })
 * })
 * ```
 */
export function authErrorHandler(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (!(error instanceof AuthError)) throw error
  return answer(error, request, reply)
}

/** Sends the rendered `error`; a 5xx (the authorization server is down) is logged as an error. */
function answer(error: AuthError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, headers, body } = renderError(error)
  if (status >= 500) request.log.error({ err: error }, error.message)
  return reply.code(status).headers(headers).send(body)
}

/** Fastify's own last-resort handler, which answers with its own JSON shape. */
const DEFAULT_HANDLER = 'defaultErrorHandler'

/**
 * Ends a hook with `error`: answered at once when nobody else would answer it (see the module
 * comment), else passed to `done` for the route's error handler.
 */
export function rejectRequest(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (
    error instanceof AuthError &&
    request.server.errorHandler.name === DEFAULT_HANDLER &&
    !hasOwnErrorHandler(request.routeOptions.config)
  ) {
    answer(error, request, reply)
    return
  }
  done(error as Error)
}
