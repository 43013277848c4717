/**
 * `RequireScopes`, `RequireAnyScope`, `RequireStepUp` and `Public` for Express handlers `(req, res, next)`:
 * TC39 standard decorators (and legacy `experimentalDecorators`) on controller classes and
 * methods. A decorated handler enforces its requirement however it is mounted.
 */
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
   * Every listed scope is required: on a class, by every handler; on a method, added to the
   * class's requirement. A request without them gets 403 `insufficient_scope`.
   *
   * @example
   * ```ts
   * @RequireScopes('orders:read')
   * class OrdersController {
   *   list(req: Request, res: Response) { res.json([]) }
   * }
   * ```
   */
  RequireScopes,
  /**
   * At least one listed scope is required.
   *
   * @example
   * ```ts
   * class OrdersController {
   *   @RequireAnyScope('orders:admin', 'admin') remove(req: Request, res: Response) { res.status(204).end() }
   * }
   * ```
   */
  RequireAnyScope,
  /**
   * A step-up requirement (RFC 9470): the token's `acr` one of `acrValues` and/or its
   * `auth_time` at most `maxAge` seconds ago; else 401 `insufficient_user_authentication`.
   *
   * @example
   * ```ts
   * class AccountController {
   *   @RequireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }) close(req: Request, res: Response) { res.status(204).end() }
   * }
   * ```
   */
  RequireStepUp,
  /**
   * No scope is required; on a method, it overrides the class's requirements.
   *
   * @example
   * ```ts
   * @RequireScopes('orders:read')
   * class OrdersController {
   *   @Public() health(req: Request, res: Response) { res.json({ ok: true }) }
   * }
   * ```
   */
  Public,
} = createScopeDecorators(
  (original, resolve) =>
    function (this: unknown, req: Request, res: Response, next: NextFunction): unknown {
      const requirement = resolve()
      if (!requirement.public) {
        // res.locals: where bearerAuth() remembered the guard (undefined outside Express)
        const carrier = (res as Partial<Response> | undefined)?.locals ?? req
        const refused = refusal(carrier, req.auth, requirement.requirements, 'a decorated handler')
        if (refused !== undefined) {
          next(refused)
          return undefined
        }
      }
      return (original as Handler).call(this, req, res, next)
    },
)
