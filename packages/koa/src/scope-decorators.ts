/**
 * `RequireScopes`, `RequireAnyScope`, `RequireStepUp` and `Public` for Koa handlers `(ctx, next)`: TC39
 * standard decorators (and legacy `experimentalDecorators`) on controller classes and methods.
 * A decorated handler enforces its requirement however it is mounted.
 */
import { createScopeDecorators } from '@bearerguard/core/adapter'
import type { Context, Next } from 'koa'
import { authorize } from './require-scopes.js'

type Handler = (this: unknown, ctx: Context, next: Next) => unknown

/**
 * @example
 * ```ts
 * @RequireScopes('orders:read')
 * class OrdersController {
 *   list(ctx: Context) { ctx.body = [] }
 *   @RequireScopes('orders:write') create(ctx: Context) { ctx.status = 201 }
 *   @Public() health(ctx: Context) { ctx.body = { ok: true } }
 * }
 * const orders = new OrdersController()
 * router.get('/orders', orders.list)
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
   *   list(ctx: Context) { ctx.body = [] }
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
   *   @RequireAnyScope('orders:admin', 'admin') remove(ctx: Context) { ctx.status = 204 }
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
   *   @RequireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }) close(ctx: Context) { ctx.status = 204 }
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
   *   @Public() health(ctx: Context) { ctx.body = { ok: true } }
   * }
   * ```
   */
  Public,
} = createScopeDecorators(
  (original, resolve) =>
    function (this: unknown, ctx: Context, next: Next): unknown {
      const requirement = resolve()
      if (!requirement.public) {
        authorize(ctx, requirement.requirements, 'a handler with scope requirements')
      }
      return (original as Handler).call(this, ctx, next)
    },
)
