/**
 * RFC 9728 through the module: the document served at its well-known path on both platforms,
 * outside the global prefix, its scopes_supported computed from the declared controllers, and
 * challenges pointing at it.
 */
import { Controller, Get, Module, Post } from '@nestjs/common'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BearerguardModule,
  Public,
  RequireAnyScope,
  RequireScopes,
  type BearerguardModuleOptions,
} from '../src/index.js'
import { AUDIENCE, PLATFORMS, startApp, type Platform } from './start-app.js'

const WK = '/.well-known/oauth-protected-resource'

@Controller('orders')
@RequireScopes('orders:read')
class OrdersController {
  @Get() list() {
    return []
  }
  @Post() @RequireAnyScope('orders:write', 'admin') create() {
    return {}
  }
  @Get('health') @Public() health() {
    return { ok: true }
  }
  // not a route: its scope is not advertised
  @RequireScopes('internal:only') helper() {}
}

describe.each(PLATFORMS)('RFC 9728 metadata on platform-%s', (platform: Platform) => {
  let issuer: TestIssuer
  const apps: Array<{ close(): Promise<void> }> = []
  const appWith = async (options: Partial<BearerguardModuleOptions>) => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          ...options,
        } as BearerguardModuleOptions),
      ],
      controllers: [OrdersController],
    })
    class AppModule {}
    const app = await startApp(platform, AppModule, (a) => a.setGlobalPrefix('api'))
    apps.push(app)
    return app.getHttpServer() as never
  }

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
    await issuer.close()
  })

  it('serves the document at the root (not under the global prefix), scopes from the routes', async () => {
    const app = await appWith({ resourceMetadata: true })
    const res = await request(app).get(WK)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.body).toMatchObject({
      resource: AUDIENCE,
      authorization_servers: [issuer.url],
      scopes_supported: ['admin', 'orders:read', 'orders:write'],
    })
    const head = await request(app).head(WK)
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(res.headers['content-length'])
    expect((await request(app).options(WK)).status).toBe(204)
    expect((await request(app).post(WK)).status).toBe(405)
  })

  it('every 401 points at it with resource_metadata; the other routes are untouched', async () => {
    const app = await appWith({ resourceMetadata: true })
    const res = await request(app).get('/api/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${AUDIENCE}${WK}"`)
    expect((await request(app).get('/api/orders/health')).status).toBe(200)
  })

  it('listed scopes are added; scopesFromControllers: false leaves the routes out; false serves nothing', async () => {
    const listed = await appWith({
      resourceMetadata: true,
      metadataEndpoint: { scopes: ['profile'], scopesFromControllers: false, maxAge: 60 },
    })
    const res = await request(listed).get(WK)
    expect(res.body.scopes_supported).toEqual(['profile'])
    expect(res.headers['cache-control']).toBe('public, max-age=60')
    const off = await appWith({ resourceMetadata: true, metadataEndpoint: false })
    expect((await request(off).get(WK)).status).toBe(404)
  })

  it('no resourceMetadata: no endpoint', async () => {
    expect((await request(await appWith({})).get(WK)).status).toBe(404)
  })
})
