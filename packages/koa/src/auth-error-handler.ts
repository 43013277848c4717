/** `authErrorHandler()`: explicit error middleware answering `AuthError`s with JSON. */
import { AuthError } from '@bearerguard/core'
import type { Middleware } from 'koa'
import { setAuthErrorResponse } from './auth-error-response.js'

/**
 * Optional: uncaught `AuthError`s are already answered this way by `bearerAuth()`. Mount this
 * first for apps that prefer explicit error middleware: it catches `AuthError`s from downstream
 * and answers them with their status, headers and `{ "error", "error_description" }` JSON
 * (emitting `'error'` on the app only for a 503); every other error is rethrown.
 *
 * @example
 * ```ts
 * app.use(authErrorHandler())
 * app.use(bearerAuth(guard))
 * app.use(router.routes())
 * ```
 */
export function authErrorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      if (!(err instanceof AuthError) || ctx.headerSent) throw err
      setAuthErrorResponse(ctx, err)
    }
  }
}
