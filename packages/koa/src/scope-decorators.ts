/**
 * `RequireScopes`, `RequireAnyScope`, `RequireStepUp` and `Public` for Koa handlers `(ctx, next)`: TC39
 * standard decorators (and legacy `experimentalDecorators`) on controller classes and methods.
 * A decorated handler enforces its requirement however it is mounted; called without a Koa
 * context (by routing-controllers, with injected parameters), it throws an error that names
 * `@bearerguard/nestjs` and the routing-controllers recipe.
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
  /** No requirement; on a method, overrides the class's. @example `@Public() health(ctx) {}` */
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
  {
    package: '@bearerguard/koa',
    signature: 'Koa handlers called as (ctx, next)',
    accepts: ([ctx, next]) => isObject(ctx) && isObject(ctx.state) && typeof next === 'function',
  },
)

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
