import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type { Request, Response } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  authErrorHandler,
  bearerAuth,
  RequireAnyRole,
  RequireClaims,
  requireAnyRole,
  requireClaims,
  RequireRoles,
  requireRoles,
} from '../src/index.js'
import { AUDIENCE, expressVersions } from './app.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

class AdminController {
  @RequireRoles('admin') purge(_req: Request, res: Response) {
    res.json({ purged: true })
  }
  @RequireAnyRole('admin', 'support') refund(_req: Request, res: Response) {
    res.json({ refunded: true })
  }
  @RequireClaims({ tenant: 'acme' }) acme(_req: Request, res: Response) {
    res.json({ tenant: 'acme' })
  }
}

describe.each(expressVersions)('roles and claims on %s', (_name, express) => {
  const app = () => {
    const a = express()
    a.set('env', 'test')
    a.use(
      bearerAuth({
        issuer: issuer.url,
        audience: AUDIENCE,
        roleClaims: ['roles', ['realm_access', 'roles']],
      }),
    )
    const ok = (_req: Request, res: Response) => void res.json({ ok: true })
    a.get('/roles', requireRoles('admin'), ok)
    a.get('/any-role', requireAnyRole('admin', 'support'), ok)
    a.get('/claims', requireClaims({ tenant: 'acme', groups: ['ops'] }), ok)
    a.get(
      '/predicate',
      requireClaims((auth) => {
        if (auth.claims.boom) throw new Error('a bug in a predicate')
        return auth.subject === 'alice'
      }),
      ok,
    )
    const controller = new AdminController()
    a.get('/purge', controller.purge)
    a.get('/refund', controller.refund)
    a.get('/acme', controller.acme)
    a.use(authErrorHandler())
    return a
  }
  const get = async (path: string, claims: Record<string, unknown>) =>
    request(app())
      .get(path)
      .set('Authorization', `Bearer ${await issuer.token({ sub: 'alice', ...claims })}`)

  it('requireRoles / requireAnyRole / requireClaims and the decorators', async () => {
    const support = { realm_access: { roles: ['support'] }, tenant: 'acme', groups: 'ops dev' }
    expect((await get('/roles', support)).status).toBe(403)
    expect((await get('/any-role', support)).status).toBe(200)
    expect((await get('/claims', support)).status).toBe(200)
    expect((await get('/purge', support)).status).toBe(403)
    expect((await get('/refund', support)).status).toBe(200)
    expect((await get('/acme', support)).status).toBe(200)
    expect((await get('/roles', { roles: ['admin'] })).status).toBe(200)
    const denied = await get('/roles', support)
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
    expect(denied.headers['www-authenticate']).not.toContain('scope=')
    expect(denied.body.error).toBe('insufficient_scope')
    expect((await get('/claims', { tenant: 'umbrella', groups: ['ops'] })).status).toBe(403)
  })

  it('a predicate decides; one that throws is a 500, never a 401 or 403', async () => {
    expect((await get('/predicate', {})).status).toBe(200)
    expect((await get('/predicate', { sub: 'bob' })).status).toBe(403)
    const boom = await get('/predicate', { boom: true })
    expect(boom.status).toBe(500)
    expect(boom.headers['www-authenticate']).toBeUndefined()
  })
})
