/**
 * Bad input never crashes, on both platforms: malformed tokens, two Authorization headers,
 * an authorization server that is down, a bug in a handler; success headers (Cache-Control
 * for a query token); and a user's own filter for AuthError winning over the module's.
 */
import {
  Catch,
  Controller,
  Get,
  Module,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common'
import { APP_FILTER } from '@nestjs/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AuthError, BearerguardModule, RequireScopes, type GuardOptions } from '../src/index.js'
import { AUDIENCE, PLATFORMS, startApp, type Platform } from './start-app.js'

/** A user's filter: answers AuthErrors its own way. */
@Catch(AuthError)
class TeapotFilter implements ExceptionFilter {
  catch(error: AuthError, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<{
      status?: (s: number) => { json(b: unknown): void }
      code?: (s: number) => { send(b: unknown): void }
    }>()
    const body = { mine: error.code ?? 'unauthorized' }
    if (res.code) res.code(418).send(body)
    else res.status?.(418).json(body)
  }
}

@Controller()
class ApiController {
  @Get('orders') @RequireScopes('orders:read') orders() {
    return { ok: true }
  }
  @Get('bug') bug(): never {
    throw new Error('a bug in the handler')
  }
  @Get('teapot') @UseFilters(TeapotFilter) teapot() {
    return { ok: true }
  }
}

async function appWith(platform: Platform, options: GuardOptions & { exceptionFilter?: boolean }) {
  @Module({ imports: [BearerguardModule.forRoot(options)], controllers: [ApiController] })
  class AppModule {}
  return startApp(platform, AppModule)
}

describe.each(PLATFORMS)('errors on platform-%s', (platform) => {
  let issuer: TestIssuer
  const apps: Array<{ close(): Promise<void> }> = []
  const server = async (options: Partial<GuardOptions> & { exceptionFilter?: boolean } = {}) => {
    const app = await appWith(platform, { issuer: issuer.url, audience: AUDIENCE, ...options })
    apps.push(app)
    return app.getHttpServer() as never
  }

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterEach(() => issuer.fault('all', undefined))
  afterAll(async () => {
    for (const app of apps) await app.close()
    await issuer.close()
  })

  it('a malformed token → 401 invalid_token', async () => {
    const app = await server()
    for (const token of ['abc.def', 'eyJhbGciOiJSUzI1NiJ9.e30.AAAA', '!!!']) {
      const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`)
      expect([400, 401]).toContain(res.status)
      expect(res.headers['www-authenticate']).toMatch(/error="(invalid_token|invalid_request)"/)
    }
    const jws = await request(app).get('/orders').set('Authorization', 'Bearer abc.def.ghi')
    expect(jws.status).toBe(401)
    expect(jws.body.error).toBe('invalid_token')
  })

  it('two Authorization headers → 400 invalid_request', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const res = await request(await server())
      .get('/orders')
      .set('Authorization', [`Bearer ${token}`, `Bearer ${token}`] as unknown as string)
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"')
    expect(res.body.error).toBe('invalid_request')
  })

  it('the authorization server down → 503 with Retry-After, never invalid_token', async () => {
    const app = await server()
    issuer.fault('all', { type: 'status', status: 503 })
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(res.headers['www-authenticate'] ?? '').not.toContain('invalid_token')
    expect(res.body.error).toBe('temporarily_unavailable')
  })

  it('a bug in a handler stays a 500 without a challenge', async () => {
    const token = await issuer.token({ sub: 'alice' })
    const res = await request(await server())
      .get('/bug')
      .set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(500)
    expect(res.headers['www-authenticate']).toBeUndefined()
  })

  it('a query token (when allowed) is answered with Cache-Control: private', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const res = await request(await server({ bearerMethods: ['header', 'query'] })).get(
      `/orders?access_token=${token}`,
    )
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toContain('private')
  })

  it("a user's filter bound with @UseFilters wins over the module's", async () => {
    const res = await request(await server()).get('/teapot')
    expect(res.status).toBe(418)
    expect(res.body).toEqual({ mine: 'unauthorized' })
  })

  it("a user's global filter wins with app.useGlobalFilters()", async () => {
    @Module({
      imports: [BearerguardModule.forRoot({ issuer: issuer.url, audience: AUDIENCE })],
      controllers: [ApiController],
    })
    class AppModule {}
    const app = await startApp(platform, AppModule, (a) => a.useGlobalFilters(new TeapotFilter()))
    apps.push(app)
    const res = await request(app.getHttpServer() as never).get('/orders')
    expect(res.status).toBe(418)
  })

  it("a user's APP_FILTER for AuthError answers with exceptionFilter: false (ours is a global filter too)", async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          exceptionFilter: false,
        }),
      ],
      controllers: [ApiController],
      providers: [{ provide: APP_FILTER, useClass: TeapotFilter }],
    })
    class AppModule {}
    const app = await startApp(platform, AppModule)
    apps.push(app)
    const res = await request(app.getHttpServer() as never).get('/orders')
    expect(res.status).toBe(418)
  })

  it('exceptionFilter: false leaves AuthErrors to Nest (status kept, headers are yours to send)', async () => {
    const res = await request(await server({ exceptionFilter: false })).get('/orders')
    expect(res.status).toBe(401)
  })
})
