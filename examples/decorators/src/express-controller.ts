/** The orders controller for Express: scopes declared with decorators, once, next to the code. */
import { Public, RequireAnyScope, RequireScopes } from '@bearerguard/express'
import type { Request, Response } from 'express'
import { addOrder, listOrders, removeOrder } from './orders.js'

@RequireScopes('orders:read') // every handler needs orders:read …
export class OrdersController {
  list(_req: Request, res: Response) {
    res.json(listOrders())
  }

  @RequireScopes('orders:write') // … and this one orders:write as well
  create(req: Request, res: Response) {
    res.status(201).json(addOrder((req.body as { item?: unknown }).item, req.auth?.subject))
  }

  @RequireAnyScope('orders:admin', 'admin') // … and this one either of these
  remove(req: Request, res: Response) {
    res.status(removeOrder(Number(req.params.id)) ? 204 : 404).end()
  }

  @Public() // no scope at all
  health(_req: Request, res: Response) {
    res.json({ ok: true })
  }
}
