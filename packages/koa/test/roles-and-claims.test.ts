import Router from '@koa/router'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type { Context } from 'koa'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearerAuth,
  RequireAnyRole,
  requireAnyRole,
  requireClaims,
  RequireRoles,
  requireRoles,
} from '../src/index.js'
import { AUDIENCE, koaVersions } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

class AdminController {
  @RequireRoles('admin') purge(ctx: Context) {
    ctx.body = { purged: true }
  }
  @RequireAnyRole('admin', 'support') refund(ctx: Context) {
    ctx.body = { refunded: true }
  }
}

describe.each(koaVersions)('roles and claims on %s', (_name, Koa) => {
  const app = () => {
    const a = new Koa()
    a.silent = true
    const router = new Router()
    router.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, roleClaims: ['groups'] }))
    const ok = (ctx: Context) => {
      ctx.body = { ok: true }
    }
    router.get('/roles', requireRoles('admin'), ok)
    router.get('/any-role', requireAnyRole('admin', 'support'), ok)
    router.get('/claims', requireClaims({ tenant: 'acme' }), ok)
    router.get(
      '/predicate',
      requireClaims((auth) => {
        if (auth.claims.boom) throw new Error('a bug in a predicate')
        return auth.subject === 'alice'
      }),
      ok,
    )
    const controller = new AdminController()
    router.get('/purge', controller.purge)
    router.get('/refund', controller.refund)
    a.use(router.routes())
    return a.callback()
  }
  const get = async (path: string, claims: Record<string, unknown>) =>
    request(app())
      .get(path)
      .set('Authorization', `Bearer ${await issuer.token({ sub: 'alice', ...claims })}`)

  it('requireRoles / requireAnyRole / requireClaims and the decorators', async () => {
    const support = { groups: 'support', tenant: 'acme' }
    expect((await get('/roles', support)).status).toBe(403)
    expect((await get('/any-role', support)).status).toBe(200)
    expect((await get('/claims', support)).status).toBe(200)
    expect((await get('/claims', { tenant: 'umbrella' })).status).toBe(403)
    expect((await get('/purge', support)).status).toBe(403)
    expect((await get('/refund', support)).status).toBe(200)
    const denied = await get('/roles', support)
    expect(denied.headers['www-authenticate']).not.toContain('scope=')
    expect(denied.body).toEqual({
      error: 'insufficient_scope',
      error_description: expect.any(String),
    })
  })

  it('a predicate that throws is a 500, never a 401 or 403', async () => {
    expect((await get('/predicate', {})).status).toBe(200)
    expect((await get('/predicate', { sub: 'bob' })).status).toBe(403)
    expect((await get('/predicate', { boom: true })).status).toBe(500)
  })
})
