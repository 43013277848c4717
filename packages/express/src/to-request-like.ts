/** Maps an Express request to core's framework-neutral `RequestLike`. */
import type { RequestLike } from '@bearerguard/core'
import { nodeRequestLike } from '@bearerguard/core/adapter'
import type { Request } from 'express'

/**
 * The absolute URL is the one the client addressed, as Express sees it behind proxies: the
 * scheme from `req.protocol` and the host from `X-Forwarded-Host` only when `trust proxy`
 * trusts the hop that sent the request (as Express 5's `req.host` does), else the `Host`
 * header. Every `Authorization` and `DPoP` header sent is kept, so two of them are refused.
 * The client certificate (RFC 8705) is read from the TLS socket, when one was presented, only
 * if a certificate-bound token asks for it.
 *
 * @example
 * ```ts
 * const request = toRequestLike(req)
 * ```
 */
export function toRequestLike(req: Request): RequestLike {
  return nodeRequestLike(req, req, req.method, req.originalUrl, originOf, req.body as unknown)
}

/** Scheme and host of the URL the client addressed (only worked out when it is needed). */
function originOf(req: Request): string {
  return `${req.protocol}://${hostOf(req)}`
}

type TrustFn = (address: string | undefined, hop: number) => boolean

function hostOf(req: Request): string {
  const forwarded = req.headers['x-forwarded-host']
  if (forwarded !== undefined) {
    const trust = req.app.get('trust proxy fn') as TrustFn | undefined
    if (trust?.(req.socket.remoteAddress, 0)) {
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
      if (first) return first
    }
  }
  return req.headers.host ?? 'localhost'
}
