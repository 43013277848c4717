/** Maps an Express request to core's framework-neutral {@link RequestLike}. */
import type { RequestLike } from '@bearerguard/core'
import type { Request } from 'express'

/**
 * The scheme comes from `req.protocol`, so `trust proxy` decides whether `X-Forwarded-Proto`
 * counts; the host is the request's `Host` header.
 *
 * @example
 * ```ts
 * const request = toRequestLike(req)
 * ```
 */
export function toRequestLike(req: Request): RequestLike {
  return {
    method: req.method,
    url: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`,
    headers: req.headers,
    body: req.body as unknown,
  }
}
