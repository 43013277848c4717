/** `protectedResourceMetadata()`: serves the RFC 9728 document at its well-known paths. */
import type { GuardOrOptions, MetadataEndpointOptions } from '@bearerguard/core'
import { createMetadataEndpoint } from '@bearerguard/core/adapter'
import type { RequestHandler } from 'express'

/**
 * Answers `GET`/`HEAD /.well-known/oauth-protected-resource` and, for a resource with a path,
 * `/.well-known/oauth-protected-resource<path>` (RFC 9728 §3.1) with the guard's metadata
 * document (JSON, `Cache-Control: public`, `Access-Control-Allow-Origin: *`), CORS preflights
 * with 204 and other methods with 405; every other request goes on to `next()`. Mount it at
 * the app's root, next to `bearerAuth()` with the same guard, whose challenges then point
 * clients here with `resource_metadata`. Given options instead of a guard, it creates one with
 * `resourceMetadata: true` unless they set it.
 *
 * `scopes_supported` is the guard's `resourceMetadata.scopesSupported` when set; otherwise the
 * scopes your decorated `controllers` declare plus the `scopes` you list.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com', resourceMetadata: true })
 * app.use(protectedResourceMetadata(guard, { scopes: ['orders:read', 'orders:write'] }))
 * app.use('/api', bearerAuth(guard))
 * ```
 */
export function protectedResourceMetadata(
  guardOrOptions: GuardOrOptions,
  options: MetadataEndpointOptions = {},
): RequestHandler {
  const endpoint = createMetadataEndpoint(guardOrOptions, options)
  return (req, res, next) => {
    const path = req.originalUrl.split('?', 1)[0] as string
    const answer = endpoint.respond(req.method, path)
    if (!answer) {
      next()
      return
    }
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }
}
