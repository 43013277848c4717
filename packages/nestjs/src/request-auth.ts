/**
 * `req.auth` typed on Express requests (platform-express) once this package is imported, as
 * `@bearerguard/express` types it. (On platform-fastify, read it with `@Auth()`.)
 */
// aliased: inside `namespace Express`, `AuthInfo` would name passport's `Express.AuthInfo`
import type { AuthInfo as BearerguardAuthInfo } from '@bearerguard/core'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, set by bearerguard's guard; undefined for an anonymous request. */
      auth?: BearerguardAuthInfo
    }
  }
}

export {}
