/** Scope decorators on Koa controller classes, enforced through real Koa 3 and Koa 2 apps with @koa/router. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import Router from '@koa/router'
import type { Context } from 'koa'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertScopesDeclared,
  bearerAuth,
  getRequirements,
  Public,
  RequireAnyScope,
  RequireScopes,
} from '../src/index.js'
import { AUDIENCE, koaVersions } from './app.js'

@RequireScopes('orders:read')
class OrdersController {
  list(ctx: Context) {
    ctx.body = { handler: 'list', sub: ctx.state.auth?.subject }
  }
  @RequireScopes('orders:write')
  create(ctx: Context) {
    ctx.status = 201
    ctx.body = { handler: 'create' }
  }
  @RequireAnyScope('orders:admin', 'admin')
  async remove(ctx: Context) {
    await Promise.resolve()
    ctx.body = { handler: 'remove' }
  }
  @Public()
  health(ctx: Context) {
    ctx.body = { handler: 'health' }
  }
}

@RequireScopes('tenant')
class TenantOrders extends OrdersController {}

class Mixed {
  @RequireScopes('a')
  guarded(ctx: Context) {
    ctx.body = 'a'
  }
  undeclared(ctx: Context) {
    ctx.body = 'open'
  }
}

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(koaVersions)('decorated controllers on %s', (_name, KoaVersion) => {
  function app() {
    const a = new KoaVersion()
    a.silent = true
    const orders = new OrdersController()
    const tenant = new TenantOrders()
    const open = new Router()
    open.get(
      '/public/health',
      bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }),
      orders.health,
    )
    const api = new Router({ prefix: '/api' })
    api.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    api.get('/orders', orders.list) // unbound
    api.post('/orders', orders.create)
    api.delete('/orders', orders.remove)
    api.get('/tenant/orders', tenant.list)
    a.use(open.routes()).use(api.routes())
    return a.callback()
  }
  const call = async (method: 'get' | 'post' | 'delete', path: string, scope?: string) => {
    const req = request(app())[method](path)
    return scope === undefined
      ? req
      : req.set('Authorization', `Bearer ${await issuer.token({ sub: 'alice', scope })}`)
  }

  it('class requirement: 200 with the scope, ctx.state.auth set', async () => {
    const res = await call('get', '/api/orders', 'orders:read')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ handler: 'list', sub: 'alice' })
  })
  it('class requirement: 403 insufficient_scope without it, as JSON', async () => {
    const res = await call('get', '/api/orders', 'profile')
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('scope="orders:read"')
    expect(res.body.error).toBe('insufficient_scope')
  })
  it('method requirement adds to the class requirement', async () => {
    expect((await call('post', '/api/orders', 'orders:write')).status).toBe(403)
    expect((await call('post', '/api/orders', 'orders:read orders:write')).status).toBe(201)
  })
  it('any-of on an async method', async () => {
    expect((await call('delete', '/api/orders', 'orders:read admin')).status).toBe(200)
    expect((await call('delete', '/api/orders', 'orders:read')).status).toBe(403)
  })
  it('Public() handlers need no scope, nor a token', async () => {
    expect((await call('get', '/public/health')).status).toBe(200)
  })
  it("inheritance: the subclass requirement adds to the parent's", async () => {
    expect((await call('get', '/api/tenant/orders', 'orders:read')).status).toBe(403)
    expect((await call('get', '/api/tenant/orders', 'orders:read tenant')).status).toBe(200)
  })
  it('a decorated handler without bearerAuth fails closed (500)', async () => {
    const a = new KoaVersion()
    a.silent = true
    const router = new Router()
    router.get('/orders', new OrdersController().list)
    a.use(router.routes())
    const res = await request(a.callback()).get('/orders')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('"handler"')
  })
})

describe('requirements are readable through core', () => {
  it('getRequirements and the strict check', () => {
    expect(getRequirements(TenantOrders, 'list')).toEqual({
      public: false,
      requirements: [
        { scopes: ['orders:read'], match: 'all' },
        { scopes: ['tenant'], match: 'all' },
      ],
    })
    expect(() => assertScopesDeclared(OrdersController)).not.toThrow()
    expect(() => assertScopesDeclared(Mixed)).toThrow(/Mixed\.undeclared/)
  })
})
