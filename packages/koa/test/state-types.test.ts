/** Type-level: importing the package types ctx.state.auth (checked by the type check). */
import Router from '@koa/router'
import type Koa from 'koa'
import { describe, expectTypeOf, it } from 'vitest'
import {
  bearerAuth,
  requireScopes,
  toRequestLike,
  type AuthInfo,
  type Guard,
} from '../src/index.js'
import type { RequestLike } from '@bearerguard/core'

describe('types', () => {
  it('ctx.state.auth is AuthInfo | undefined in Koa middleware and router handlers', () => {
    const middleware: Koa.Middleware = (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthInfo | undefined>()
    }
    const router = new Router()
    const guard = {
      check: () => undefined,
      authenticate: async () => undefined,
      authorize: () => {},
    } as unknown as Guard
    router.get('/x', bearerAuth(guard), requireScopes('a'), (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthInfo | undefined>()
      // @ts-expect-error the subject is optional
      const subject: string = ctx.state.auth?.subject
      ctx.body = subject
    })
    expectTypeOf(middleware).toBeFunction()
    expectTypeOf(bearerAuth).returns.toEqualTypeOf<Koa.Middleware>()
  })

  it('toRequestLike accepts router contexts and contexts with a custom state or body', () => {
    const router = new Router<{ tenant: string }>()
    router.get('/x', (ctx) => {
      expectTypeOf(toRequestLike(ctx)).toEqualTypeOf<RequestLike>()
    })
    const typed: Koa.Middleware<{ tenant: string }, Koa.DefaultContext, { ok: boolean }> = (
      ctx,
    ) => {
      expectTypeOf(toRequestLike(ctx)).toEqualTypeOf<RequestLike>()
    }
    expectTypeOf(typed).toBeFunction()
  })
})
