/** `bearerAuth()`: the Express middleware that authenticates every request it sees. */
import { toGuard, type Guard, type GuardOptions } from '@bearerguard/core'
import { checkRequest, rememberGuard } from '@bearerguard/core/adapter'
import type { RequestHandler } from 'express'
import { setAuth } from './request-auth.js'
import { toRequestLike } from './to-request-like.js'

/**
 * A guard, or the options to create one.
 *
 * @example
 * ```ts
 * const options: GuardOrOptions = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
 * app.use('/api', bearerAuth(options)) // or bearerAuth(createGuard(options)) to share one guard
 * ```
 */
export type GuardOrOptions = Guard | GuardOptions

/**
 * Authenticates the request and sets `req.auth`. A rejection goes to `next(err)` as an
 * `AuthError` with `status` and `headers`, so Express's default error handler answers with
 * the right status and `WWW-Authenticate`, and your own error handler receives it. A token
 * the guard has verified before is decided synchronously.
 *
 * @example
 * ```ts
 * app.use('/api', bearerAuth({ issuer: 'https://as.example.com', audience: 'https://api.example.com' }))
 * app.get('/api/me', (req, res) => res.json({ sub: req.auth?.subject }))
 * ```
 */
export function bearerAuth(guardOrOptions: GuardOrOptions): RequestHandler {
  const guard = toGuard(guardOrOptions)
  return (req, res, next) => {
    rememberGuard(res.locals, guard)
    checkRequest(
      guard,
      toRequestLike(req),
      (auth) => {
        setAuth(req, auth)
        if (auth) {
          // Cache-Control: private for a query token, DPoP-Nonce for a DPoP request
          const headers = guard.responseHeaders(auth)
          for (const name in headers) res.setHeader(name, headers[name] as string)
        }
        next()
      },
      next,
    )
  }
}
