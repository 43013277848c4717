/** `authErrorHandler()`: answers `AuthError`s with JSON; passes every other error on. */
import { AuthError } from '@bearerguard/core'
import type { ErrorRequestHandler } from 'express'

/**
 * Optional: Express's default handler already sends the right status and headers; this one
 * also sends the RFC 6750 body `{ "error": "…", "error_description": "…" }`.
 *
 * @example
 * ```ts
 * app.use('/api', bearerAuth(guard), routes)
 * app.use(authErrorHandler())
 * ```
 */
export function authErrorHandler(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (!(err instanceof AuthError) || res.headersSent) {
      next(err)
      return
    }
    res.status(err.status).set(err.headers).json(err.toJSON())
  }
}
