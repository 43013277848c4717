/**
 * The shapes of the bug report that motivated the package (the old Express decorators in
 * Nest: a class decorator made every route 404, a method decorator below `@Get` with injected
 * parameters made every call 500, Nest's error handling dropped WWW-Authenticate), on
 * platform-express and platform-fastify: each answers right, with the right headers.
 */
import {
  Body,
  Controller,
  Get,
  Inject,
  Injectable,
  Param,
  Post,
  Req,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common'
import { Module } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Auth,
  BearerguardModule,
  Public,
  RequireAnyScope,
  RequireScopes,
  type AuthInfo,
} from '../src/index.js'
import { AUDIENCE, PLATFORMS, startApp } from './start-app.js'

/** A guard of the user's that reads their own SetMetadata next to ours. */
@Injectable()
class TagGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const tag = this.reflector.get<string | undefined>('tag', context.getHandler())
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string> }>()
    return tag === undefined || req.headers['x-tag'] === tag
  }
}

@Controller('items')
@RequireScopes('items:read')
@UseGuards(TagGuard)
class ItemsController {
  @Get('open/health')
  @Public()
  health() {
    return { ok: true }
  }

  // injected parameters, class-level requirement only
  @Get(':id')
  get(@Param('id') id: string, @Req() req: { auth?: AuthInfo }) {
    return { id, subject: req.auth?.subject }
  }

  // our decorator above @Post, a body parameter
  @RequireScopes('items:write')
  @Post()
  create(@Body() dto: { name: string }) {
    return { created: dto.name }
  }

  // below @Get, next to the user's own SetMetadata, async, @Auth()
  @Get()
  @SetMetadata('tag', 'blue')
  @RequireAnyScope('items:list', 'admin')
  async list(@Auth() auth: AuthInfo) {
    await new Promise((resolve) => setImmediate(resolve))
    return { subject: auth.subject, scopes: auth.scopes }
  }
}

describe.each(PLATFORMS)('the bug report shapes on platform-%s', (platform) => {
  let issuer: TestIssuer
  let server: unknown
  let close: () => Promise<void>
  const token = (scope: string) => issuer.token({ sub: 'alice', scope })
  const get = (path: string) => request(server as never).get(path)

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    @Module({
      imports: [BearerguardModule.forRoot({ issuer: issuer.url, audience: AUDIENCE })],
      controllers: [ItemsController],
    })
    class AppModule {}
    const app = await startApp(platform, AppModule)
    server = app.getHttpServer()
    close = () => app.close()
  })
  afterAll(async () => {
    await close()
    await issuer.close()
  })

  it('a class-level requirement keeps every route routed: 200 with the scope, and @Param/@Req injected', async () => {
    const res = await get('/items/42').set('Authorization', `Bearer ${await token('items:read')}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: '42', subject: 'alice' })
  })

  it('no token → 401 with the Bearer challenge (and DPoP advertised) and the RFC 6750 body', async () => {
    const res = await get('/items/42')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", DPoP algs="[^"]+"$/)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body).toEqual({ error: 'unauthorized', error_description: expect.any(String) })
  })

  it('a valid token without the class scope → 403 insufficient_scope naming it', async () => {
    const res = await get('/items/42').set('Authorization', `Bearer ${await token('profile')}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
    expect(res.headers['www-authenticate']).toContain('scope="items:read"')
    expect(res.body.error).toBe('insufficient_scope')
  })

  it('an expired token → 401 invalid_token', async () => {
    const expired = await issuer.token({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_300 })
    const res = await get('/items/42').set('Authorization', `Bearer ${expired}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer error="invalid_token", error_description="Token has expired"/,
    )
    expect(res.body.error).toBe('invalid_token')
  })

  it('a method decorator above @Post adds to the class: 403 with read only, 201 with both; @Body injected', async () => {
    const readOnly = await request(server as never)
      .post('/items')
      .set('Authorization', `Bearer ${await token('items:read')}`)
      .send({ name: 'tea' })
    expect(readOnly.status).toBe(403)
    expect(readOnly.headers['www-authenticate']).toContain('scope="items:write"')
    const both = await request(server as never)
      .post('/items')
      .set('Authorization', `Bearer ${await token('items:read items:write')}`)
      .send({ name: 'tea' })
    expect(both.status).toBe(201)
    expect(both.body).toEqual({ created: 'tea' })
  })

  it('a method decorator below @Get on an async handler, beside the user SetMetadata their guard reads', async () => {
    const ok = await get('/items')
      .set('Authorization', `Bearer ${await token('items:read admin')}`)
      .set('x-tag', 'blue')
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ subject: 'alice', scopes: ['items:read', 'admin'] })
    // the user's guard still reads its metadata: a wrong tag is its 403, not ours
    const wrongTag = await get('/items')
      .set('Authorization', `Bearer ${await token('items:read admin')}`)
      .set('x-tag', 'red')
    expect(wrongTag.status).toBe(403)
    expect(wrongTag.headers['www-authenticate']).toBeUndefined()
    // the class scope without one of the handler's any-of scopes
    const noList = await get('/items')
      .set('Authorization', `Bearer ${await token('items:read')}`)
      .set('x-tag', 'blue')
    expect(noList.status).toBe(403)
    expect(noList.headers['www-authenticate']).toContain('scope="items:list admin"')
  })

  it('@Public() on a handler overrides the class: no token needed, a sent one is not looked at', async () => {
    expect((await get('/items/open/health')).body).toEqual({ ok: true })
    const junk = await get('/items/open/health').set('Authorization', 'Bearer not-a-token')
    expect(junk.status).toBe(200)
  })

  it('an unknown route is still 404 (the guard never hides routing)', async () => {
    expect((await get('/nowhere')).status).toBe(404)
  })
})
