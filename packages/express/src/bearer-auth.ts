/** `bearerAuth()`: the Express middleware that authenticates every request it sees. */
import { toGuard, type GuardOrOptions } from '@bearerguard/core'
import { checkRequest, rememberGuard } from '@bearerguard/core/adapter'
import type { RequestHandler } from 'express'
import { setAuth } from './request-auth.js'
import { toRequestLike } from './to-request-like.js'

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
