/** Express decorators compiled as legacy experimentalDecorators (NestJS-style), through Express. */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import express, { type Request, type Response } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearerAuth,
  Public,
  RequireAnyRole,
  RequireClaims,
  RequireRoles,
  RequireScopes,
} from '../src/index.js'

const AUDIENCE = 'https://api.example.com'

@RequireScopes('orders:read')
class OrdersController {
  list(_req: Request, res: Response) {
    res.json({ handler: 'list' })
  }
  @RequireScopes('orders:write')
  create(_req: Request, res: Response) {
    res.status(201).json({ handler: 'create' })
  }
  @Public()
  health(_req: Request, res: Response) {
    res.json({ ok: true })
  }
}

@RequireRoles('admin')
class AdminController {
  purge(_req: Request, res: Response) {
    res.json({ purged: true })
  }
  @RequireClaims({ tenant: 'acme' })
  @RequireAnyRole('ops', 'support')
  refund(_req: Request, res: Response) {
    res.json({ refunded: true })
  }
}

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe('legacy decorators through Express', () => {
  it('enforce class and method requirements and Public()', async () => {
    const app = express()
    const orders = new OrdersController()
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }))
    app.get('/orders', orders.list)
    app.post('/orders', orders.create)
    app.get('/health', orders.health)
    const reader = `Bearer ${await issuer.token({ scope: 'orders:read' })}`
    expect((await request(app).get('/orders').set('Authorization', reader)).status).toBe(200)
    expect((await request(app).post('/orders').set('Authorization', reader)).status).toBe(403)
    expect((await request(app).get('/orders')).status).toBe(401)
    expect((await request(app).get('/health')).status).toBe(200)
  })

  it('roles and claims, on the class and on methods', async () => {
    const app = express()
    const admin = new AdminController()
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    app.get('/purge', admin.purge)
    app.get('/refund', admin.refund)
    const as = async (path: string, claims: Record<string, unknown>) =>
      request(app)
        .get(path)
        .set('Authorization', `Bearer ${await issuer.token(claims)}`)
    expect((await as('/purge', { roles: ['admin'] })).status).toBe(200)
    const denied = await as('/purge', { roles: ['ops'] })
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).not.toContain('scope=')
    expect((await as('/refund', { roles: ['admin', 'ops'], tenant: 'acme' })).status).toBe(200)
    expect((await as('/refund', { roles: ['admin'], tenant: 'acme' })).status).toBe(403)
    expect((await as('/refund', { roles: ['admin', 'ops'], tenant: 'umbrella' })).status).toBe(403)
  })
})
