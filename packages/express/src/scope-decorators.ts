/**
 * `RequireScopes`, `RequireAnyScope`, `RequireStepUp` and `Public` for Express handlers `(req, res, next)`:
 * TC39 standard decorators (and legacy `experimentalDecorators`) on controller classes and
 * methods. A decorated handler enforces its requirement however it is mounted; called without
 * an Express request (by NestJS or routing-controllers, with injected parameters), it throws
 * an error that names `@bearerguard/nestjs` and the routing-controllers recipe.
 */
import { toRequestLike } from './to-request-like.js'
import { createScopeDecorators, refusal } from '@bearerguard/core/adapter'
import type { NextFunction, Request, Response } from 'express'

type Handler = (this: unknown, req: Request, res: Response, next: NextFunction) => unknown

/**
 * @example
 * ```ts
 * @RequireScopes('orders:read')
 * class OrdersController {
 *   list(req: Request, res: Response) { res.json([]) }
 *   @RequireScopes('orders:write') create(req: Request, res: Response) { res.status(201).end() }
 *   @Public() health(req: Request, res: Response) { res.json({ ok: true }) }
 * }
 * const orders = new OrdersController()
 * app.get('/orders', orders.list)
 * ```
 */
export const {
  /**
   * Every listed scope is required (on a class: by every handler; on a method: added to the
   * class's). @example `@RequireScopes('orders:read') class OrdersController {}`
   */
  RequireScopes,
  /** At least one listed scope is required. @example `@RequireAnyScope('orders:write', 'admin')` */
  RequireAnyScope,
  /**
   * A step-up requirement (RFC 9470): `acr` one of `acrValues` and/or `auth_time` at most
   * `maxAge` s ago. @example `@RequireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 })`
   */
  RequireStepUp,
  /** Every listed role (`AuthInfo.roles`) is required. @example `@RequireRoles('admin') class AdminController {}` */
  RequireRoles,
  /** At least one listed role is required. @example `@RequireAnyRole('admin', 'support')` */
  RequireAnyRole,
  /**
   * Claim values the token must hold, or a predicate `(auth) => boolean`.
   * @example `@RequireClaims({ tenant: 'acme' })`
   */
  RequireClaims,
  /** No requirement; on a method, overrides the class's. @example `@Public() health(req, res) {}` */
  Public,
} = createScopeDecorators(
  (original, resolve) =>
    function (this: unknown, req: Request, res: Response, next: NextFunction): unknown {
      const requirement = resolve()
      if (!requirement.public) {
        // res.locals: where bearerAuth() remembered the guard (undefined outside Express)
        const carrier = (res as Partial<Response> | undefined)?.locals ?? req
        const refused = refusal(
          carrier,
          req.auth,
          requirement.requirements,
          'a decorated handler',
          () => toRequestLike(req),
        )
        if (refused !== undefined) {
          next(refused)
          return undefined
        }
      }
      return (original as Handler).call(this, req, res, next)
    },
  {
    package: '@bearerguard/express',
    signature: 'Express handlers called as (req, res, next)',
    accepts: ([req, res, next]) =>
      isObject(req) && isObject(req.headers) && isObject(res) && typeof next === 'function',
  },
)

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
