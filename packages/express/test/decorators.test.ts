/** Scope decorators on Express controller classes, enforced through real Express apps. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type { NextFunction, Request, Response } from 'express'
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
import { AUDIENCE, expressVersions } from './app.js'

@RequireScopes('orders:read')
class OrdersController {
  list(req: Request, res: Response) {
    res.json({ handler: 'list', sub: req.auth?.subject })
  }
  @RequireScopes('orders:write')
  create(_req: Request, res: Response) {
    res.status(201).json({ handler: 'create' })
  }
  @RequireAnyScope('orders:admin', 'admin')
  async remove(_req: Request, res: Response) {
    await Promise.resolve()
    res.json({ handler: 'remove' })
  }
  @Public()
  health(_req: Request, res: Response) {
    res.json({ handler: 'health' })
  }
}

@RequireScopes('tenant')
class TenantOrders extends OrdersController {}

class Mixed {
  @RequireScopes('a')
  guarded(_req: Request, res: Response, _next: NextFunction) {
    res.send('a')
  }
  undeclared(_req: Request, res: Response) {
    res.send('open')
  }
}

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(expressVersions)('decorated controllers on %s', (_name, expressFactory) => {
  function app() {
    const a = expressFactory()
    a.set('env', 'test')
    const orders = new OrdersController()
    const tenant = new TenantOrders()
    a.get(
      '/public/health',
      bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }),
      orders.health,
    )
    a.use('/api', bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    // mounted unbound, straight on the app …
    a.get('/api/orders', orders.list)
    a.post('/api/orders', orders.create)
    a.delete('/api/orders', orders.remove)
    // … and through a Router
    const router = expressFactory.Router()
    router.get('/orders', tenant.list)
    a.use('/api/tenant', router)
    return a
  }
  const call = (method: 'get' | 'post' | 'delete', path: string, scope?: string) =>
    (async () => {
      const req = request(app())[method](path)
      return scope === undefined
        ? req
        : req.set('Authorization', `Bearer ${await issuer.token({ sub: 'alice', scope })}`)
    })()

  it('class requirement: 200 with the scope', async () => {
    const res = await call('get', '/api/orders', 'orders:read')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ handler: 'list', sub: 'alice' })
  })
  it('class requirement: 403 without it', async () => {
    const res = await call('get', '/api/orders', 'profile')
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('scope="orders:read"')
  })
  it('method requirement adds to the class requirement', async () => {
    expect((await call('post', '/api/orders', 'orders:write')).status).toBe(403)
    expect((await call('post', '/api/orders', 'orders:read orders:write')).status).toBe(201)
  })
  it('any-of on a method, async handler', async () => {
    expect((await call('delete', '/api/orders', 'orders:read admin')).status).toBe(200)
    const res = await call('delete', '/api/orders', 'orders:read')
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('scope="orders:admin admin"')
  })
  it('Public() handlers need no scope, nor a token', async () => {
    expect((await call('get', '/public/health')).status).toBe(200)
  })
  it("inheritance through a Router: the subclass requirement adds to the parent's", async () => {
    expect((await call('get', '/api/tenant/orders', 'orders:read')).status).toBe(403)
    expect((await call('get', '/api/tenant/orders', 'orders:read tenant')).status).toBe(200)
  })
  it('an anonymous request to a decorated handler behind an optional guard → 401', async () => {
    const a = expressFactory()
    a.set('env', 'test')
    a.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }))
    a.get('/orders', new OrdersController().list)
    const res = await request(a).get('/orders')
    expect(res.status).toBe(401)
  })
  it('a decorated handler without bearerAuth fails closed (500)', async () => {
    const a = expressFactory()
    a.set('env', 'test')
    a.get('/orders', new OrdersController().list)
    const res = await request(a).get('/orders')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('"handler"')
  })
})

describe('requirements are readable through core', () => {
  it('getRequirements', () => {
    expect(getRequirements(OrdersController, 'create')).toEqual({
      public: false,
      requirements: [
        { scopes: ['orders:read'], match: 'all' },
        { scopes: ['orders:write'], match: 'all' },
      ],
    })
  })
  it('the strict check names undeclared handlers', () => {
    expect(() => assertScopesDeclared(OrdersController, TenantOrders)).not.toThrow()
    expect(() => assertScopesDeclared(Mixed)).toThrow(/Mixed\.undeclared/)
  })
})
