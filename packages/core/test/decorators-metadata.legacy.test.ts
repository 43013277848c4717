/**
 * A wrapped method keeps what other decorators put on the original (reflect-metadata entries,
 * own properties, name, length), in every order of decorators, and a wrapper given a
 * `HandlerCall` refuses loudly to run when called the way NestJS or routing-controllers call
 * controller methods. Compiled with experimentalDecorators (vitest project 'legacy-decorators').
 * Core does not depend on reflect-metadata: a stand-in with its API is installed here (the real
 * one is exercised by test/decorators-nestjs.legacy.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createScopeDecorators } from '../src/decorators/create-scope-decorators.js'
import type { HandlerCall } from '../src/decorators/handler-call.js'
import { getRequirements } from '../src/decorators/get-requirements.js'

// reflect-metadata's own-metadata API, for function targets (what these tests need)
const store = new WeakMap<object, Map<unknown, unknown>>()
const api = {
  defineMetadata: (key: unknown, value: unknown, target: object) => {
    const map = store.get(target) ?? new Map<unknown, unknown>()
    map.set(key, value)
    store.set(target, map)
  },
  getOwnMetadata: (key: unknown, target: object) => store.get(target)?.get(key),
  getOwnMetadataKeys: (target: object) => [...(store.get(target)?.keys() ?? [])],
}
const installed = Object.keys(api).filter((name) => !(name in Reflect))
Object.assign(Reflect, api)
afterAll(() => {
  for (const name of installed) delete (Reflect as unknown as Record<string, unknown>)[name]
})
const { defineMetadata, getOwnMetadata } = api

/** A method decorator setting metadata on the function it is given (as Nest's @Get, SetMetadata). */
const Meta =
  (key: unknown, value: unknown) => (_t: object, _k: string | symbol, d: PropertyDescriptor) => {
    defineMetadata(key, value, d.value as object)
    return d
  }
const ClassMeta = (key: unknown, value: unknown) => (target: object) => {
  defineMetadata(key, value, target)
}
/** A method decorator setting an own property (as some frameworks do instead of metadata). */
const Tag = (key: string | symbol) => (_t: object, _k: string | symbol, d: PropertyDescriptor) => {
  ;(d.value as Record<string | symbol, unknown>)[key] = true
}

const EXPRESS_LIKE: HandlerCall = {
  package: '@bearerguard/express',
  signature: 'Express handlers called as (req, res, next)',
  accepts: ([req, res, next]) =>
    typeof req === 'object' && typeof res === 'object' && typeof next === 'function',
}
const { RequireScopes, Public } = createScopeDecorators(
  (original) =>
    function (this: unknown, ...args: never[]) {
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    },
  EXPRESS_LIKE,
)
const unchecked = createScopeDecorators((original) => original)

const SYMBOL_TAG = Symbol('tag')

@ClassMeta('class', 'kept')
@RequireScopes('orders:read')
class OrdersController {
  // metadata set before ours (below it) and after (above it), and a class decorator rewrapping
  @Meta('path', 'after')
  @RequireScopes('orders:write')
  @Meta('method', 'before')
  @Tag('own')
  @Tag(SYMBOL_TAG)
  create(a: unknown, b: unknown, c: unknown) {
    return [a, b, c]
  }
  @Public()
  @Meta('path', 'health')
  health() {
    return 'ok'
  }
  @Meta('path', 'plain') // no method decorator of ours: the class decorator wraps it
  list(_req: unknown, _res: unknown) {
    return 'list'
  }
}

describe('a wrapped method keeps the original', () => {
  const { create, health, list } = OrdersController.prototype
  it('reflect-metadata set before and after decoration, through the class decorator', () => {
    expect(getOwnMetadata('method', create)).toBe('before')
    expect(getOwnMetadata('path', create)).toBe('after')
    expect(getOwnMetadata('path', health)).toBe('health')
    expect(getOwnMetadata('path', list)).toBe('plain')
  })
  it('own string and symbol properties', () => {
    expect((create as unknown as Record<string | symbol, unknown>).own).toBe(true)
    expect((create as unknown as Record<string | symbol, unknown>)[SYMBOL_TAG]).toBe(true)
  })
  it('name and length', () => {
    expect([create.name, create.length]).toEqual(['create', 3])
    expect([list.name, list.length]).toEqual(['list', 2])
  })
  it("the class's own metadata, and the requirements, are untouched", () => {
    expect(getOwnMetadata('class', OrdersController)).toBe('kept')
    expect(getRequirements(OrdersController, 'create')).toEqual({
      public: false,
      requirements: [
        { scopes: ['orders:read'], match: 'all' },
        { scopes: ['orders:write'], match: 'all' },
      ],
    })
  })
  it('without a HandlerCall, the wrapper keeps them too', () => {
    class Bare {
      @unchecked.RequireScopes('a')
      @Meta('path', 'bare')
      handler() {}
    }
    expect(getOwnMetadata('path', Bare.prototype.handler)).toBe('bare')
  })
})

describe('a wrapper called the wrong way', () => {
  const orders = new OrdersController()
  const failure = (run: () => unknown): Error => {
    try {
      run()
    } catch (error) {
      return error as Error
    }
    throw new Error('expected a throw')
  }

  it('runs the handler when called as its framework does', () => {
    const next = () => {}
    expect(orders.create({}, {}, next)).toEqual([{}, {}, next])
    const { create } = orders // unbound, as mounted on a router
    expect(create({}, {}, next)).toEqual([{}, {}, next])
  })
  it('throws an Error (not a TypeError) naming the handler, its call and @bearerguard/nestjs', () => {
    const error = failure(() => orders.create('42', { headers: {} }, undefined))
    expect(error.constructor).toBe(Error)
    expect(error.message).toBe(
      'bearerguard: OrdersController.create has the scope decorators of @bearerguard/express, ' +
        'which serve Express handlers called as (req, res, next), but it was called as ' +
        '(string, object, undefined), as NestJS and routing-controllers call controller methods ' +
        '(with injected parameters), where these decorators cannot check the request. For ' +
        'NestJS, use the decorators of @bearerguard/nestjs (read by its guard); for ' +
        'routing-controllers, @Authorized() with an authorizationChecker: ' +
        'https://github.com/bearerguard/bearerguard/blob/main/docs/routing-controllers.md',
    )
  })
  it('a Public() handler too, and one called with no arguments', () => {
    expect(failure(() => orders.health()).message).toMatch(
      /^bearerguard: OrdersController\.health .* called as \(\), .*@bearerguard\/nestjs/,
    )
  })
  it('a routing-controllers-like call points at the recipe, never showing values', () => {
    class Dto {
      secret = 'Bearer abc.def.ghi'
    }
    const message = failure(() => orders.list(new Dto(), null)).message
    expect(message).toContain('called as (Dto, null)')
    expect(message).toContain('docs/routing-controllers.md')
    expect(message).not.toContain('abc.def')
  })
  it('names the class from the decorator when called unbound', () => {
    const { create } = orders
    expect(failure(() => create(1, 2, 3)).message).toMatch(
      /^bearerguard: OrdersController\.create .*\(number, number, number\)/,
    )
  })
})

describe('a NestJS route handler (path and a numeric RequestMethod in its metadata)', () => {
  const nest =
    /^bearerguard: (\w+\.\w+) is a NestJS route handler .*@bearerguard\/express cannot protect.*Use the decorators of @bearerguard\/nestjs/

  it('is refused when decorated, when the metadata is already there', () => {
    const define = () => {
      class Routes {
        @RequireScopes('a')
        @Meta('method', 0)
        @Meta('path', '/')
        list() {}
      }
      return Routes
    }
    expect(define).toThrow(nest)
    expect(define).toThrow('Routes.list')
  })
  it('is refused when called, even as (req, res, next), when the metadata came after', () => {
    class Routes {
      @Meta('method', 0)
      @Meta('path', ['/a', '/b'])
      @RequireScopes('a')
      list(_req: unknown, _res: unknown, _next: unknown) {
        return 'ran'
      }
    }
    expect(() => new Routes().list({}, {}, () => {})).toThrow(nest)
  })
  it('a string method or no path is not NestJS', () => {
    class Routes {
      @Meta('method', 'GET')
      @Meta('path', '/')
      @RequireScopes('a')
      one(_req: unknown, _res: unknown, _next: unknown) {
        return 'one'
      }
      @Meta('method', 0)
      @RequireScopes('a')
      two(_req: unknown, _res: unknown, _next: unknown) {
        return 'two'
      }
    }
    const routes = new Routes()
    expect([routes.one({}, {}, () => {}), routes.two({}, {}, () => {})]).toEqual(['one', 'two'])
  })
})
