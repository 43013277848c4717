/** The same orders controller for Koa: the same declarations, Koa handlers. */
import { Public, RequireAnyScope, RequireScopes } from '@bearerguard/koa'
import type { Context } from 'koa'
import { addOrder, listOrders, removeOrder } from './orders.js'

@RequireScopes('orders:read')
export class OrdersController {
  list(ctx: Context) {
    ctx.body = listOrders()
  }

  @RequireScopes('orders:write')
  create(ctx: Context) {
    ctx.status = 201
    ctx.body = addOrder(
      (ctx.request.body as { item?: unknown } | undefined)?.item,
      ctx.state.auth?.subject,
    )
  }

  @RequireAnyScope('orders:admin', 'admin')
  remove(ctx: Context) {
    ctx.status = removeOrder(Number(ctx.params.id)) ? 204 : 404
  }

  @Public()
  health(ctx: Context) {
    ctx.body = { ok: true }
  }
}
