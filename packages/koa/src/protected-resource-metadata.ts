/** `protectedResourceMetadata()`: serves the RFC 9728 document at its well-known paths. */
import type { GuardOrOptions, MetadataEndpointOptions } from '@bearerguard/core'
import { createMetadataEndpoint } from '@bearerguard/core/adapter'
import type { Middleware } from 'koa'

/**
 * Answers `GET`/`HEAD /.well-known/oauth-protected-resource` and, for a resource with a path,
 * `/.well-known/oauth-protected-resource<path>` (RFC 9728 §3.1) with the guard's metadata
 * document (JSON, `Cache-Control: public`, `Access-Control-Allow-Origin: *`), CORS preflights
 * with 204 and other methods with 405; every other request goes on downstream. Mount it on the
 * app (not under a router prefix), next to `bearerAuth()` with the same guard, whose challenges
 * then point clients here with `resource_metadata`. Given options instead of a guard, it
 * creates one with `resourceMetadata: true` unless they set it.
 *
 * `scopes_supported` is the guard's `resourceMetadata.scopesSupported` when set; otherwise the
 * scopes your decorated `controllers` declare plus the `scopes` you list.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com', resourceMetadata: true })
 * app.use(protectedResourceMetadata(guard, { controllers: [OrdersController] }))
 * app.use(router.routes()) // with bearerAuth(guard) on the router
 * ```
 */
export function protectedResourceMetadata(
  guardOrOptions: GuardOrOptions,
  options: MetadataEndpointOptions = {},
): Middleware {
  const endpoint = createMetadataEndpoint(guardOrOptions, options)
  return async (ctx, next) => {
    const path = ctx.originalUrl.split('?', 1)[0] as string
    const answer = endpoint.respond(ctx.method, path)
    if (!answer) {
      await next()
      return
    }
    ctx.status = answer.status
    ctx.set(answer.headers)
    if (answer.body !== undefined) ctx.body = answer.body
  }
}
