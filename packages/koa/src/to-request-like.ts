/** Maps a Koa context to core's framework-neutral {@link RequestLike}. */
import type { RequestLike } from '@bearerguard/core'
import { nodeRequestLike } from '@bearerguard/core/adapter'
import type { Context } from 'koa'

/**
 * Scheme and host come from `ctx.protocol` and `ctx.host`, so `app.proxy` decides whether
 * `X-Forwarded-Proto` and `X-Forwarded-Host` count. The body is the one a body parser (such
 * as `@koa/bodyparser`) put on `ctx.request.body`, if any. Every `Authorization` and `DPoP`
 * header sent is kept, so two of them are refused. The client certificate (RFC 8705)
 * is read from the TLS socket, when one was presented, only if a certificate-bound token asks.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   const auth = await guard.authenticate(toRequestLike(ctx))
 *   await next()
 * })
 * ```
 */
export function toRequestLike(ctx: Context): RequestLike {
  const body = (ctx.request as { body?: unknown }).body
  return nodeRequestLike(ctx.req, ctx, ctx.method, ctx.originalUrl, originOf, body)
}

/** Scheme and host of the URL the client addressed (only worked out when it is needed). */
function originOf(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host || 'localhost'}`
}
