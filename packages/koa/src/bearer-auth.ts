/** `bearerAuth()`: the Koa middleware that authenticates every request it sees. */
import { toGuard, type GuardOrOptions } from '@bearerguard/core'
import { rememberGuard } from '@bearerguard/core/adapter'
import type { Middleware } from 'koa'
import { answerAuthErrors } from './auth-error-response.js'
import './auth-state.js'
import { toRequestLike } from './to-request-like.js'

/**
 * Authenticates the request and sets `ctx.state.auth`. A rejection is thrown as an
 * `AuthError` (status, `WWW-Authenticate` / `Retry-After` headers): your error middleware
 * upstream can catch it; uncaught, it is answered with its status, headers and the RFC 6750
 * JSON body, and only a 503 is emitted as `'error'` on the app.
 *
 * @example
 * ```ts
 * const router = new Router()
 * router.use(bearerAuth({ issuer: 'https://as.example.com', audience: 'https://api.example.com' }))
 * router.get('/me', (ctx) => {
 *   ctx.body = { sub: ctx.state.auth?.subject }
 * })
 * app.use(router.routes())
 * ```
 */
export function bearerAuth(guardOrOptions: GuardOrOptions): Middleware {
  const guard = toGuard(guardOrOptions)
  return async (ctx, next) => {
    rememberGuard(ctx, guard)
    answerAuthErrors(ctx)
    // decided at once for a token verified before; awaited otherwise
    const auth = await guard.check(toRequestLike(ctx))
    ctx.state.auth = auth
    // Cache-Control: private for a query token, DPoP-Nonce for a DPoP request
    if (auth) ctx.set(guard.responseHeaders(auth))
    await next()
  }
}
