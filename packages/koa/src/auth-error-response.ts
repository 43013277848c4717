/**
 * Answers an `AuthError` on a Koa context: its status, its headers (`WWW-Authenticate`,
 * `Retry-After`) and the RFC 6750 JSON body. Only 5xx (the authorization server is down) are
 * emitted as `'error'` on the app; 4xx are expected answers, not faults.
 */
import { AuthError } from '@bearerguard/core'
import { renderError } from '@bearerguard/core/adapter'
import type { Context } from 'koa'

const INSTALLED = Symbol('bearerguard.onerror')

type WithMarker = Context & { [INSTALLED]?: true }

/**
 * Sets status, headers and JSON body for `err` (the usual Koa way: `respond()` sends them),
 * and emits `'error'` on the app for a 503.
 *
 * @example
 * ```ts
 * try { await next() } catch (err) {
 *   if (err instanceof AuthError) setAuthErrorResponse(ctx, err)
 *   else throw err
 * }
 * ```
 */
export function setAuthErrorResponse(ctx: Context, err: AuthError): void {
  const { status, headers, body } = renderError(err)
  ctx.status = status
  ctx.set(headers)
  ctx.body = body
  ctx.type = 'json'
  if (err.status >= 500) ctx.app.emit('error', err, ctx)
}

/**
 * Makes Koa's last-resort error path (`ctx.onerror`, called by `app.callback()` for anything
 * thrown and not caught) answer `AuthError`s with JSON and without emitting `'error'` for 4xx.
 * Installs an own `onerror` on this context only, once; every other error, and any error after
 * the headers were sent, goes to the previous `ctx.onerror` unchanged.
 *
 * @example
 * ```ts
 * answerAuthErrors(ctx)
 * guard.authorize(ctx.state.auth, { scopes: ['admin'] }) // throws the rendered 403
 * ```
 */
export function answerAuthErrors(ctx: Context): void {
  const marked = ctx as WithMarker
  if (marked[INSTALLED]) return
  marked[INSTALLED] = true
  const original = ctx.onerror
  ctx.onerror = (err: Error | null | undefined) => {
    if (!(err instanceof AuthError) || ctx.headerSent || !ctx.writable) {
      return original.call(ctx, err as Error)
    }
    // Like Koa's own handler: an error answer starts from a clean slate, headers included
    // (middleware such as @koa/cors keep theirs by adding them to `err.headers`).
    const { res } = ctx
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    setAuthErrorResponse(ctx, err)
    const body = JSON.stringify(ctx.body)
    ctx.length = Buffer.byteLength(body)
    res.end(body)
  }
}
