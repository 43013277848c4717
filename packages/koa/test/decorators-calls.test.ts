/**
 * A decorated method called other than as a Koa handler `(ctx, next)` — as routing-controllers
 * (or NestJS) call controller methods, with injected parameters — throws an Error naming
 * @bearerguard/nestjs and the routing-controllers recipe, never a TypeError, and never runs.
 */
import type { Context, Next } from 'koa'
import { describe, expect, it } from 'vitest'
import { Public, RequireScopes } from '../src/index.js'

const ran: string[] = []

@RequireScopes('orders:read')
class OrdersController {
  get(id: string) {
    ran.push(`get ${id}`)
  }
  async list() {
    await Promise.resolve()
    ran.push('list')
  }
  @Public()
  health(_ctx: Context, _next?: Next) {
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
  ['get(@Param() id)', () => orders.get('42'), '(string)'],
  ['async list()', () => orders.list(), '()'],
  [
    '@Public() health(@Ctx() ctx), without next',
    () => orders.health({ state: {} } as Context),
    '(object)',
  ],
])('%s', (_title, call, shape) => {
  it('throws at once an Error naming @bearerguard/nestjs and the recipe', () => {
    ran.length = 0
    const error = thrown(call)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(TypeError)
    const message = (error as Error).message
    expect(message).toMatch(
      /^bearerguard: OrdersController\.\w+ has the scope decorators of @bearerguard\/koa, which serve Koa handlers called as \(ctx, next\)/,
    )
    expect(message).toContain(`called as ${shape}`)
    expect(message).toContain('use the decorators of @bearerguard/nestjs')
    expect(message).toContain('docs/routing-controllers.md')
    expect(ran).toEqual([])
  })
})

it('a call with (ctx, next) still runs as a Koa handler', () => {
  ran.length = 0
  orders.health({ state: {} } as Context, async () => {})
  expect(ran).toEqual(['health'])
})
