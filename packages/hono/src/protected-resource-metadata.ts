/** `protectedResourceMetadata()`: serves the RFC 9728 document at its well-known paths. */
import type { GuardOrOptions, MetadataEndpointOptions } from '@bearerguard/core'
import { createMetadataEndpoint } from '@bearerguard/core/adapter'
import type { MiddlewareHandler } from 'hono'

/**
 * Answers `GET`/`HEAD /.well-known/oauth-protected-resource` and, for a resource with a path,
 * `/.well-known/oauth-protected-resource<path>` (RFC 9728 §3.1) with the guard's metadata
 * document (JSON, `Cache-Control: public`, `Access-Control-Allow-Origin: *`), CORS preflights
 * with 204 and other methods with 405; every other request goes on. Mount it on the app with
 * `app.use()` (not under a sub-app's base path), next to `bearerAuth()` with the same guard,
 * whose challenges then point clients here with `resource_metadata`. Given options instead of
 * a guard, it creates one with `resourceMetadata: true` unless they set it. Bad options throw
 * here, at start-up.
 *
 * `scopes_supported` is the guard's `resourceMetadata.scopesSupported` when set; otherwise the
 * `scopes` you list plus those your decorated `controllers` declare.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com', resourceMetadata: true })
 * app.use(protectedResourceMetadata(guard, { scopes: ['orders:read', 'orders:write'] }))
 * app.use('/api/*', bearerAuth(guard))
 * ```
 */
export function protectedResourceMetadata(
  guardOrOptions: GuardOrOptions,
  options: MetadataEndpointOptions = {},
): MiddlewareHandler {
  const endpoint = createMetadataEndpoint(guardOrOptions, options)
  return async (c, next) => {
    const answer = endpoint.respond(c.req.method, c.req.path)
    if (!answer) return next()
    return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers })
  }
}
