/** Scope decorators (TC39 standard): what they record, inheritance, wrapping, the strict check. */
import { describe, expect, it } from 'vitest'
import {
  createScopeDecorators,
  type HandlerWrapper,
} from '../src/decorators/create-scope-decorators.js'
import type { HandlerRequirement } from '../src/decorators/effective-requirement.js'
import {
  assertScopesDeclared,
  declaredScopes,
  getRequirements,
  listRequirements,
} from '../src/decorators/get-requirements.js'

/** A wrapper that records the requirement each call resolved, then runs the handler. */
const seen: Array<HandlerRequirement> = []
const wrap: HandlerWrapper = (original, resolve) =>
  function (this: unknown, ...args: never[]) {
    seen.push(resolve())
    return (original as (this: unknown, ...a: unknown[]) => unknown).apply(this, args)
  }
const { RequireScopes, RequireAnyScope, Public } = createScopeDecorators(wrap)
const all = (...scopes: string[]) => ({ scopes, match: 'all' })
const any = (...scopes: string[]) => ({ scopes, match: 'any' })

@RequireScopes('orders:read')
class OrdersController {
  list() {
    return 'list'
  }
  @RequireScopes('orders:write')
  create() {
    return 'create'
  }
  @RequireAnyScope('orders:admin', 'admin')
  remove() {
    return 'remove'
  }
  @Public()
  health() {
    return 'health'
  }
}

class Undeclared {
  @RequireScopes('a')
  guarded() {}
  forgotten() {}
}

@Public()
class PublicController {
  ping() {}
  @RequireScopes('x')
  secret() {}
}

class AdminOrders extends OrdersController {
  @RequireScopes('audit')
  audit() {
    return 'audit'
  }
}

@RequireScopes('tenant')
class TenantOrders extends OrdersController {
  extra() {}
}

describe('getRequirements', () => {
  it('a class requirement applies to every handler', () => {
    expect(getRequirements(OrdersController, 'list')).toEqual({
      public: false,
      requirements: [all('orders:read')],
    })
  })
  it('a method requirement is added to the class requirement', () => {
    expect(getRequirements(OrdersController, 'create')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('orders:write')],
    })
  })
  it('RequireAnyScope records an any-of requirement', () => {
    expect(getRequirements(OrdersController, 'remove')).toEqual({
      public: false,
      requirements: [all('orders:read'), any('orders:admin', 'admin')],
    })
  })
  it('a method-level Public() overrides the class requirement', () => {
    expect(getRequirements(OrdersController, 'health')).toEqual({ public: true })
  })
  it('a class-level Public() makes undeclared handlers public, declared ones keep theirs', () => {
    expect(getRequirements(PublicController, 'ping')).toEqual({ public: true })
    expect(getRequirements(PublicController, 'secret')).toEqual({
      public: false,
      requirements: [all('x')],
    })
  })
  it('an undeclared handler has no requirement', () => {
    expect(getRequirements(Undeclared, 'forgotten')).toBeUndefined()
  })
  it('inheritance: a subclass keeps its parent class requirement', () => {
    expect(getRequirements(AdminOrders, 'list')).toEqual({
      public: false,
      requirements: [all('orders:read')],
    })
    expect(getRequirements(AdminOrders, 'audit')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('audit')],
    })
  })
  it("inheritance: a subclass class requirement adds to its parent's, for inherited handlers too", () => {
    expect(getRequirements(TenantOrders, 'extra')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('tenant')],
    })
    expect(getRequirements(TenantOrders, 'create')).toEqual({
      public: false,
      requirements: [all('orders:read'), all('tenant'), all('orders:write')],
    })
    expect(getRequirements(TenantOrders, 'health')).toEqual({ public: true })
  })
  it('the parent is not changed by its subclass', () => {
    expect(getRequirements(OrdersController, 'list')).toEqual({
      public: false,
      requirements: [all('orders:read')],
    })
  })
  it('listRequirements and declaredScopes enumerate handlers and scopes', () => {
    expect(listRequirements(OrdersController).map((r) => r.handler)).toEqual([
      'list',
      'create',
      'remove',
      'health',
    ])
    expect(declaredScopes(OrdersController, AdminOrders)).toEqual([
      'admin',
      'audit',
      'orders:admin',
      'orders:read',
      'orders:write',
    ])
  })
})

describe('wrapped handlers', () => {
  it('resolve their full requirement when called unbound, as routers call them', () => {
    const { create, list } = new OrdersController()
    seen.length = 0
    expect(create.call(undefined)).toBe('create')
    expect(list.call(undefined)).toBe('list')
    expect(seen).toEqual([
      { public: false, requirements: [all('orders:read'), all('orders:write')] },
      { public: false, requirements: [all('orders:read')] },
    ])
  })
  it('inherited handlers enforce the subclass requirement through a subclass instance', () => {
    seen.length = 0
    const tenant = new TenantOrders()
    tenant.list()
    expect(seen).toEqual([{ public: false, requirements: [all('orders:read'), all('tenant')] }])
  })
  it('keep the name and length of the original', () => {
    expect(OrdersController.prototype.create.name).toBe('create')
  })
})

describe('assertScopesDeclared (deny by default)', () => {
  it('passes when every handler declares a requirement or Public()', () => {
    expect(() =>
      assertScopesDeclared(OrdersController, PublicController, AdminOrders),
    ).not.toThrow()
  })
  it('names each handler that declares nothing', () => {
    expect(() => assertScopesDeclared(OrdersController, Undeclared)).toThrow(
      /Undeclared\.forgotten/,
    )
    expect(() => assertScopesDeclared(Undeclared)).not.toThrow(/guarded/)
  })
})

describe('misuse fails at start-up', () => {
  it('an empty or malformed scope list', () => {
    expect(() => RequireScopes()).toThrow(/at least one scope/)
    expect(() => RequireAnyScope('has space')).toThrow(/invalid scope/)
  })
  it('on a field or a static method', () => {
    const untyped = RequireScopes('a') as (value: unknown, context: unknown) => void
    expect(() => {
      class Bad {
        @untyped static handler() {}
      }
      return Bad
    }).toThrow(/instance methods only/)
    expect(() => {
      class Bad {
        @untyped field = 1
      }
      return Bad
    }).toThrow(/instance methods only/)
  })
})
