/** `req.auth` typed on every Express request once this package is imported. */
import type { AuthInfo } from '@bearerguard/core'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, set by `bearerAuth()`; undefined for an anonymous request. */
      auth?: AuthInfo
    }
  }
}

export {}
