/** `bearerAuth()`: the Express middleware that authenticates every request it sees. */
import { toGuard, type Guard, type GuardOptions } from '@bearerguard/core'
import type { RequestHandler } from 'express'
import { setRequestGuard } from './request-auth.js'
import { toRequestLike } from './to-request-like.js'

/** A guard, or the options to create one. */
export type GuardOrOptions = Guard | GuardOptions

/**
 * Authenticates the request and sets `req.auth`. A rejection goes to `next(err)` as an
 * `AuthError` with `status` and `headers`, so Express's default error handler answers with
 * the right status and `WWW-Authenticate`, and your own error handler receives it.
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
    setRequestGuard(req, guard)
    guard.authenticate(toRequestLike(req)).then((auth) => {
      if (auth) {
        req.auth = auth
        // RFC 6750 §2.3: answers to requests authenticated by a query token are private.
        if (auth.tokenSource === 'query') res.setHeader('Cache-Control', 'private')
      }
      next()
    }, next)
  }
}
