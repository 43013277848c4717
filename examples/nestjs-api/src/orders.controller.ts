/** The example API's routes: the requirements are declared with decorators, Nest-style. */
import { Body, Controller, Get, Post } from '@nestjs/common'
import { Auth, Public, RequireAnyScope, RequireScopes } from '@bearerguard/nestjs'
import type { AuthInfo } from '@bearerguard/nestjs'

interface Order {
  id: number
  item?: unknown
  quantity?: unknown
  by?: string
}

const orders: Order[] = [{ id: 1, item: 'coffee beans', quantity: 2 }]

@Controller()
export class HealthController {
  @Get('health')
  @Public()
  health() {
    return { ok: true }
  }
}

@Controller('api')
export class OrdersController {
  // declares nothing: any valid token
  @Get('me')
  me(@Auth() auth: AuthInfo) {
    return { subject: auth.subject, clientId: auth.clientId, scopes: auth.scopes }
  }

  @Get('orders')
  @RequireScopes('orders:read')
  list() {
    return orders
  }

  @Post('orders')
  @RequireAnyScope('orders:write', 'admin')
  create(@Body() body: { item?: unknown; quantity?: unknown }, @Auth() auth: AuthInfo) {
    const order: Order = {
      id: orders.length + 1,
      item: body?.item,
      quantity: body?.quantity,
      by: auth.subject,
    }
    orders.push(order)
    return order
  }
}
