/**
 * BearerguardModule: forRoot and forRootAsync (with @nestjs/config's ConfigService), a guard
 * of your own, bad configuration failing the bootstrap with a clear error, the opt-in
 * start-up check, and the guard closed on shutdown.
 */
import { Controller, Get, Inject, Module } from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { NestFactory } from '@nestjs/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Auth,
  BEARERGUARD_GUARD,
  BearerguardModule,
  createGuard,
  Public,
  RequireScopes,
  type AuthInfo,
  type Guard,
} from '../src/index.js'
import { AUDIENCE, startApp } from './start-app.js'

@Controller('me')
class MeController {
  constructor(@Inject(BEARERGUARD_GUARD) readonly guard: Guard) {}
  // declares nothing: a valid token is enough
  @Get() me(@Auth() auth: AuthInfo | undefined) {
    return { subject: auth?.subject ?? null }
  }
}

@Controller('checked')
@RequireScopes('orders:read')
class DeclaredController {
  @Get() list() {
    return []
  }
  @Get('health') @Public() health() {
    return { ok: true }
  }
}

describe('BearerguardModule', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
  })
  afterAll(() => issuer.close())

  it('forRootAsync takes its options from ConfigService', async () => {
    @Module({
      imports: [
        BearerguardModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({
              ignoreEnvFile: true,
              load: [() => ({ OAUTH_ISSUER: issuer.url, OAUTH_AUDIENCE: AUDIENCE })],
            }),
          ],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            issuer: config.getOrThrow<string>('OAUTH_ISSUER'),
            audience: config.getOrThrow<string>('OAUTH_AUDIENCE'),
          }),
        }),
      ],
      controllers: [MeController],
    })
    class AppModule {}
    const app = await startApp('express', AppModule)
    const token = await issuer.token({ sub: 'alice' })
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'alice' })
    expect((await request(app.getHttpServer()).get('/me')).status).toBe(401)
    await app.close()
  })

  it('a guard of your own is injectable, used, and left open on shutdown', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
    @Module({ imports: [BearerguardModule.forRoot({ guard })], controllers: [MeController] })
    class AppModule {}
    const app = await startApp('fastify', AppModule)
    expect(app.get(MeController).guard).toBe(guard)
    await app.close()
    const token = await issuer.token({ sub: 'bob' })
    const auth = await guard.authenticate({
      method: 'GET',
      url: `${AUDIENCE}/me`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(auth?.subject).toBe('bob')
    await guard.close()
  })

  it('the guard the module created is closed with the application', async () => {
    @Module({
      imports: [BearerguardModule.forRoot({ issuer: issuer.url, audience: AUDIENCE })],
      controllers: [MeController],
    })
    class AppModule {}
    const app = await startApp('express', AppModule)
    const guard = app.get<Guard>(BEARERGUARD_GUARD)
    await app.close()
    const token = await issuer.token({ sub: 'bob' })
    await expect(
      guard.authenticate({
        method: 'GET',
        url: `${AUDIENCE}/me`,
        headers: { authorization: `Bearer ${token}` },
      }),
    ).rejects.toMatchObject({ status: 503 })
  })

  it('bad guard options fail the bootstrap, naming the option', async () => {
    @Module({
      imports: [BearerguardModule.forRoot({ issuer: issuer.url } as never)],
      controllers: [MeController],
    })
    class AppModule {}
    await expect(
      NestFactory.create(AppModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/audience/)
  })

  it('bad module settings fail the bootstrap, naming the setting', async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          assertScopesDeclared: 'yes',
        } as never),
      ],
    })
    class AppModule {}
    await expect(
      NestFactory.create(AppModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/"assertScopesDeclared" must be true or false/)
    expect(() => BearerguardModule.forRootAsync({} as never)).toThrow(/useFactory/)
    @Module({
      imports: [
        BearerguardModule.forRoot({
          guard: createGuard({ issuer: issuer.url, audience: AUDIENCE }),
          realm: 'x',
        } as never),
      ],
    })
    class BothModule {}
    await expect(
      NestFactory.create(BothModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/either \{ guard \} or guard options/)
  })

  it('assertScopesDeclared: the bootstrap fails naming each undeclared Controller.handler', async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          assertScopesDeclared: true,
        }),
      ],
      controllers: [MeController, DeclaredController],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false })
    await expect(app.init()).rejects.toThrow(
      /these route handlers declare no requirement and are not marked @Public\(\): MeController\.me\. /,
    )
  })

  it('assertScopesDeclared passes when every handler declares a requirement or is public', async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({
          issuer: issuer.url,
          audience: AUDIENCE,
          assertScopesDeclared: true,
        }),
      ],
      controllers: [DeclaredController],
    })
    class AppModule {}
    const app = await startApp('fastify', AppModule)
    expect((await request(app.getHttpServer()).get('/checked/health')).status).toBe(200)
    expect((await request(app.getHttpServer()).get('/checked')).status).toBe(401)
    await app.close()
  })

  it('an optional guard lets anonymous callers reach handlers that declare nothing', async () => {
    @Module({
      imports: [
        BearerguardModule.forRoot({ issuer: issuer.url, audience: AUDIENCE, optional: true }),
      ],
      controllers: [MeController, DeclaredController],
    })
    class AppModule {}
    const app = await startApp('express', AppModule)
    const anonymous = await request(app.getHttpServer()).get('/me')
    expect(anonymous.status).toBe(200)
    expect(anonymous.body).toEqual({ subject: null })
    // a declared scope still needs a token: 401 for the anonymous caller
    expect((await request(app.getHttpServer()).get('/checked')).status).toBe(401)
    const bad = await request(app.getHttpServer())
      .get('/checked')
      .set('Authorization', 'Bearer x.y.z')
    expect(bad.status).toBe(401)
    await app.close()
  })
})
