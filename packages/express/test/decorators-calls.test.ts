/**
 * A decorated method called other than as an Express handler — as NestJS and
 * routing-controllers call controller methods, with injected parameters — throws an Error
 * naming @bearerguard/nestjs and the routing-controllers recipe, never a TypeError, and never
 * runs the method.
 */
import type { NextFunction, Request, Response } from 'express'
import { describe, expect, it } from 'vitest'
import { Public, RequireScopes } from '../src/index.js'

const ran: string[] = []

@RequireScopes('orders:read')
class OrdersController {
  get(id: string, _req: Request) {
    ran.push(`get ${id}`)
  }
  create(dto: { item: string }) {
    ran.push(`create ${dto.item}`)
  }
  async list() {
    await Promise.resolve()
    ran.push('list')
  }
  @Public()
  health(_req: Request, _res: Response, _next?: NextFunction) {
    ran.push('health')
  }
}

const orders = new OrdersController()
const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe.each([
  [
    'get(@Param() id, @Req() req)',
    () => orders.get('42', { headers: {} } as Request),
    '(string, object)',
  ],
  ['create(@Body() dto)', () => orders.create({ item: 'book' }), '(object)'],
  ['async list()', () => orders.list(), '()'],
  [
    '@Public() health(@Req() req, @Res() res)',
    () => orders.health({ headers: {} } as Request, {} as Response),
    '(object, object)',
  ],
])('%s, called with injected parameters', (_title, call, shape) => {
  it('throws at once an Error naming @bearerguard/nestjs and the recipe', () => {
    ran.length = 0
    const error = thrown(call)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(TypeError)
    const message = (error as Error).message
    expect(message).toMatch(
      /^bearerguard: OrdersController\.\w+ has the scope decorators of @bearerguard\/express/,
    )
    expect(message).toContain(`called as ${shape}`)
    expect(message).toContain('use the decorators of @bearerguard/nestjs')
    expect(message).toContain('docs/routing-controllers.md')
    expect(ran).toEqual([])
  })
})

it('a call that has (req, res, next) still runs as an Express handler', () => {
  ran.length = 0
  orders.health({ headers: {} } as Request, {} as Response, () => {})
  expect(ran).toEqual(['health'])
})
