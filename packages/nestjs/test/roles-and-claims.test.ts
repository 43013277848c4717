/**
 * RequireRoles, RequireAnyRole and RequireClaims on real Nest apps (platform-express and
 * platform-fastify): roles read through `roleClaims` (Keycloak-shaped nested paths), a failed
 * role or claim requirement 403 insufficient_scope with no `scope=`, a predicate that throws a
 * 500 (never a 401 or 403), and roles leaving RFC 9728's scopes_supported alone.
 */
import 'reflect-metadata'
import { Controller, Get, Module } from '@nestjs/common'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Auth,
  BearerguardModule,
  declaredScopes,
  RequireAnyRole,
  RequireClaims,
  RequireRoles,
  RequireScopes,
  type AuthInfo,
} from '../src/index.js'
import { AUDIENCE, PLATFORMS, startApp } from './start-app.js'

@Controller('admin')
@RequireRoles('admin')
class AdminController {
  @Get() list(@Auth() auth: AuthInfo) {
    return { roles: auth.roles }
  }
  @Get('orders') @RequireScopes('orders:read') orders() {
    return { ok: true }
  }
}

@Controller('support')
class SupportController {
  @Get('refund') @RequireAnyRole('admin', 'support') refund() {
    return { ok: true }
  }
  @Get('acme') @RequireClaims({ tenant: 'acme', groups: ['ops'] }) acme() {
    return { ok: true }
  }
  @Get('verified')
  @RequireClaims((auth) => {
    if (auth.claims.boom === true) throw new Error('a bug in a predicate')
    return auth.claims.email_verified === true
  })
  verified() {
    return { ok: true }
  }
}

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(PLATFORMS)('roles and claims on platform-%s', (platform) => {
  const start = async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          roleClaims: [['realm_access', 'roles'], 'groups'],
        }),
      ],
      controllers: [AdminController, SupportController],
    })
    class AppModule {}
    return startApp(platform, AppModule)
  }
  const get = async (
    app: Awaited<ReturnType<typeof start>>,
    path: string,
    claims: Record<string, unknown>,
  ) =>
    request(app.getHttpServer())
      .get(path)
      .set('Authorization', `Bearer ${await issuer.token({ sub: 'alice', ...claims })}`)

  it('class and handler role requirements, roles from nested paths', async () => {
    const app = await start()
    try {
      const admin = { realm_access: { roles: ['admin'] } }
      const ok = await get(app, '/admin', admin)
      expect(ok.status).toBe(200)
      expect(ok.body).toEqual({ roles: ['admin'] })
      const denied = await get(app, '/admin', { realm_access: { roles: ['support'] } })
      expect(denied.status).toBe(403)
      expect(denied.body.error).toBe('insufficient_scope')
      const challenge = denied.headers['www-authenticate'] as string
      expect(challenge).toMatch(/^Bearer /)
      expect(challenge).toContain('error="insufficient_scope"')
      expect(challenge).not.toContain('scope=')
      // the class's role and the handler's scope both hold
      expect((await get(app, '/admin/orders', admin)).status).toBe(403)
      const both = await get(app, '/admin/orders', { ...admin, scope: 'orders:read' })
      expect(both.status).toBe(200)
      // a roles claim of the wrong type is no role at all
      expect((await get(app, '/admin', { realm_access: { roles: { admin: true } } })).status).toBe(
        403,
      )
      expect((await get(app, '/admin', { realm_access: 'admin' })).status).toBe(403)
      expect((await get(app, '/support/refund', { groups: 'support' })).status).toBe(200)
      expect((await get(app, '/support/refund', { groups: ['viewer'] })).status).toBe(403)
    } finally {
      await app.close()
    }
  })

  it('claim values and predicates; a predicate that throws is a 500', async () => {
    const app = await start()
    try {
      expect((await get(app, '/support/acme', { tenant: 'acme', groups: 'ops dev' })).status).toBe(
        200,
      )
      expect(
        (await get(app, '/support/acme', { tenant: 'umbrella', groups: ['ops'] })).status,
      ).toBe(403)
      expect((await get(app, '/support/acme', { tenant: 'acme' })).status).toBe(403)
      expect((await get(app, '/support/verified', { email_verified: true })).status).toBe(200)
      const unverified = await get(app, '/support/verified', { email_verified: 'true' })
      expect(unverified.status).toBe(403)
      expect(unverified.headers['www-authenticate']).not.toContain('scope=')
      const broken = await get(app, '/support/verified', { boom: true })
      expect(broken.status).toBe(500)
      expect(broken.headers['www-authenticate']).toBeUndefined()
      expect(JSON.stringify(broken.body)).not.toContain('a bug in a predicate')
    } finally {
      await app.close()
    }
  })
})

it('roles and claims leave scopes_supported alone', () => {
  expect(declaredScopes(AdminController, SupportController)).toEqual(['orders:read'])
})
