/**
 * The same decorators under legacy `experimentalDecorators` (as NestJS and routing-controllers
 * compile them). This file is compiled with experimentalDecorators on (vitest project
 * 'legacy-decorators').
 */
import { describe, expect, it } from 'vitest'
import {
  createScopeDecorators,
  type HandlerWrapper,
} from '../src/decorators/create-scope-decorators.js'
import type { HandlerRequirement } from '../src/decorators/effective-requirement.js'
import { assertScopesDeclared, getRequirements } from '../src/decorators/get-requirements.js'

const seen: HandlerRequirement[] = []
const wrap: HandlerWrapper = (original, resolve) =>
  function (this: unknown, ...args: never[]) {
    seen.push(resolve())
    return (original as (this: unknown, ...a: unknown[]) => unknown).apply(this, args)
  }
const { RequireScopes, RequireStepUp, Public } = createScopeDecorators(wrap)
const all = (...scopes: string[]) => ({ scopes, match: 'all' })

@RequireScopes('orders:read')
class OrdersController {
  list() {
    return 'list'
  }
  @RequireScopes('orders:write')
  create() {
    return 'create'
  }
  @Public()
  health() {}
}

@RequireScopes('tenant')
class TenantOrders extends OrdersController {}

class Payments {
  @RequireStepUp({ maxAge: 300 })
  @RequireScopes('pay')
  pay() {}
}

class Forgetful {
  handler() {}
}

describe('legacy experimentalDecorators', () => {
  it('really is compiled the legacy way (no TC39 metadata)', () => {
    expect(
      (OrdersController as unknown as Record<symbol, unknown>)[Symbol.for('Symbol.metadata')],
    ).toBeUndefined()
  })
  it('records class and method requirements', () => {
    expect(getRequirements(OrdersController, 'list')).toEqual({
      public: false,
      requirements: [all('orders:read')],
    })
    expect(getRequirements(OrdersController, 'create')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('orders:write')],
    })
    expect(getRequirements(OrdersController, 'health')).toEqual({ public: true })
  })
  it('records RequireStepUp with the scope requirements', () => {
    expect(getRequirements(Payments, 'pay')).toEqual({
      public: false,
      requirements: [all('pay'), { maxAge: 300 }],
    })
  })
  it('follows inheritance', () => {
    expect(getRequirements(TenantOrders, 'create')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('tenant'), all('orders:write')],
    })
  })
  it('wrapped handlers enforce the requirement when called unbound', () => {
    seen.length = 0
    const { create } = new OrdersController()
    expect(create.call(undefined)).toBe('create')
    expect(seen).toEqual([
      { public: false, requirements: [all('orders:read'), all('orders:write')] },
    ])
  })
  it('the strict check works the same', () => {
    expect(() => assertScopesDeclared(OrdersController, TenantOrders)).not.toThrow()
    expect(() => assertScopesDeclared(Forgetful)).toThrow(/Forgetful\.handler/)
  })
})
