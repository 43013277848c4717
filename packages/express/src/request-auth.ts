/**
 * `req.auth` typed on every Express request once this package is imported, and the guard that
 * authenticated a request (so scope checks format challenges with the same settings).
 */
import type { AuthInfo, Guard } from '@bearerguard/core'
import type { Request } from 'express'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, set by `bearerAuth()`; undefined for an anonymous request. */
      auth?: AuthInfo
    }
  }
}

const GUARD = Symbol.for('bearerguard.guard')

type WithGuard = Request & { [GUARD]?: Guard }

/** Remembers which guard authenticated `req`. */
export function setRequestGuard(req: Request, guard: Guard): void {
  ;(req as WithGuard)[GUARD] = guard
}

/** The guard that authenticated `req`, if `bearerAuth()` ran. */
export function requestGuard(req: Request): Guard | undefined {
  return (req as WithGuard)[GUARD]
}
