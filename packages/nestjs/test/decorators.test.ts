/**
 * The decorators are metadata only (the method is the same function, other metadata kept),
 * stack by appending, and merge as core's decorators do: class and ancestors, then the handler;
 * a handler-level @Public() overrides; a class-level one applies to handlers declaring nothing.
 */
import 'reflect-metadata'
import { Controller, Get, SetMetadata } from '@nestjs/common'
import { describe, expect, it } from 'vitest'
import {
  assertScopesDeclared,
  declaredScopes,
  getRequirements,
  listRequirements,
  Public,
  RequireAnyScope,
  RequireScopes,
  RequireStepUp,
} from '../src/index.js'

const all = (...scopes: string[]) => ({ scopes, match: 'all' })

describe('decorators', () => {
  it('leave the method the very same function, its arguments and every other metadata untouched', () => {
    class C {
      list(a: number, b: number) {
        return a + b
      }
    }
    const original = C.prototype.list
    const descriptor = Object.getOwnPropertyDescriptor(C.prototype, 'list') as PropertyDescriptor
    const decorated = Reflect.decorate(
      [Get('x'), RequireScopes('a'), SetMetadata('mine', 1), RequireAnyScope('b', 'c')],
      C.prototype,
      'list',
      descriptor,
    ) as PropertyDescriptor
    expect(decorated.value).toBe(original)
    expect(original(1, 2)).toBe(3)
    expect(Reflect.getMetadata('mine', original)).toBe(1)
    expect(Reflect.getMetadata('path', original)).toBe('x')
    expect(Reflect.getMetadata('bearerguard:requirements', original)).toEqual([
      { scopes: ['b', 'c'], match: 'any' },
      all('a'),
    ])
  })

  it('merge class, ancestors and handler; handler @Public() overrides; class @Public() fills in', () => {
    @RequireScopes('base')
    class Base {
      @Get('inherited') @RequireScopes('inherited') inherited() {}
    }
    @Controller()
    @RequireScopes('orders:read')
    @RequireStepUp({ maxAge: 300 })
    class Orders extends Base {
      @Get() list() {}
      @Get('c') @RequireScopes('orders:write') create() {}
      @Get('h') @Public() health() {}
      override inherited() {}
    }
    @Public()
    class Open {
      @Get() a() {}
      @Get('b') @RequireScopes('x') b() {}
    }
    class Nothing {
      @Get() a() {}
    }
    expect(getRequirements(Orders, 'list')).toEqual({
      public: false,
      requirements: [all('base'), { maxAge: 300 }, all('orders:read')],
    })
    expect(getRequirements(Orders, 'create')).toEqual({
      public: false,
      requirements: [all('base'), { maxAge: 300 }, all('orders:read'), all('orders:write')],
    })
    expect(getRequirements(Orders, 'health')).toEqual({ public: true })
    // an override without decorators keeps what it overrides declared
    expect(getRequirements(Orders, 'inherited')?.public).toBe(false)
    expect(getRequirements(Base, 'inherited')).toEqual({
      public: false,
      requirements: [all('base'), all('inherited')],
    })
    expect(getRequirements(Open, 'a')).toEqual({ public: true })
    expect(getRequirements(Open, 'b')).toEqual({ public: false, requirements: [all('x')] })
    expect(getRequirements(Nothing, 'a')).toBeUndefined()
    expect(listRequirements(Nothing)).toEqual([{ handler: 'a', requirement: undefined }])
    // Orders' override of `inherited` has no @Get: Nest does not route it, so it is left out
    expect(declaredScopes(Orders, Open)).toEqual(['base', 'orders:read', 'orders:write', 'x'])
    expect(declaredScopes(Base)).toEqual(['base', 'inherited'])
    expect(() => assertScopesDeclared(Orders, Open)).not.toThrow()
    expect(() => assertScopesDeclared(Orders, Nothing)).toThrow(/Nothing\.a\b/)
  })

  it('check their requirement when applied', () => {
    expect(() => RequireScopes()).toThrow(TypeError)
    expect(() => RequireScopes('bad scope')).toThrow(/invalid scope/)
    expect(() => RequireStepUp({})).toThrow(TypeError)
    expect(() => (RequireScopes('a') as (t: object) => void)({})).toThrow(
      /classes and their methods/,
    )
  })
})
