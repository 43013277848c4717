/**
 * The scenarios of issue 15 with @bearerguard/express's decorators in a real NestJS 12 app
 * (platform-express), compiled with experimentalDecorators (vitest project 'legacy-decorators';
 * esbuild emits no decorator metadata, so nothing here relies on constructor injection).
 * Before: routes under a decorated class (or below a decorated method) were lost (404), a
 * `SetMetadata` below the decorator was lost (a roles guard read "no requirement"), and calls
 * failed with TypeErrors. Now every route is mapped, a user's guard reads its metadata, and a
 * call fails loudly: 500, with an error logged that names @bearerguard/nestjs.
 */
import 'reflect-metadata'
import {
  Body,
  Controller,
  Get,
  Module,
  Next,
  Param,
  Post,
  Req,
  Res,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  type LoggerService,
} from '@nestjs/common'
import { NestFactory, Reflector } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import type { INestApplication } from '@nestjs/common'
import { bearerAuth, Public, RequireScopes } from '@bearerguard/express'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type { NextFunction, Request, Response } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

const AUDIENCE = 'https://api.example.com'
const Roles = (...roles: string[]) => SetMetadata('roles', roles)

// Placed below @Get, the decorators cannot see that the method is a NestJS route: the
// route is mapped, and fails when called.
@Controller('orders')
class OrdersController {
  @Get()
  @RequireScopes('orders:read')
  async list() {
    await Promise.resolve()
    return []
  }
  @Get(':id')
  @RequireScopes('orders:read')
  get(@Param('id') id: string, @Req() req: Request) {
    return { id, sub: req.auth?.subject }
  }
  @Post()
  @RequireScopes('orders:write')
  create(@Body() dto: unknown) {
    return dto
  }
  @Get('public/health')
  @Public()
  health() {
    return { ok: true }
  }
}

@Controller('admin')
class AdminController {
  @Get('roles-below')
  @RequireScopes('admin')
  @Roles('admin') // a user's metadata below ours: used to be lost
  rolesBelow() {
    return 'roles-below'
  }
  @Get('roles-above')
  @Roles('admin') // … and above ours
  @RequireScopes('admin')
  rolesAbove() {
    return 'roles-above'
  }
  @Get('express-style') // called by Nest with Express's own (req, res, next)
  @RequireScopes('admin')
  expressStyle(@Req() _req: Request, @Res() res: Response, @Next() _next: NextFunction) {
    res.json({ handler: 'express-style' })
  }
}

/** A user's roles guard, reading SetMetadata through Nest's Reflector. */
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[] | undefined>('roles', context.getHandler())
    const role = context.switchToHttp().getRequest<Request>().headers['x-role']
    return roles === undefined || roles.includes(String(role))
  }
}

@Module({ controllers: [OrdersController, AdminController] })
class AppModule {}

/** Nest's logger, kept: what its ExceptionsHandler logs for a 500. */
const logged: string[] = []
const text = (value: unknown) =>
  value instanceof Error ? `${value.name}: ${value.message}\n${value.stack}` : String(value)
const logger: LoggerService = {
  log: () => {},
  warn: () => {},
  debug: () => {},
  verbose: () => {},
  error: (...args: unknown[]) => logged.push(args.map(text).join(' ')),
  fatal: (...args: unknown[]) => logged.push(args.map(text).join(' ')),
}

let issuer: TestIssuer
let app: INestApplication
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger })
  app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, optional: true }))
  app.useGlobalGuards(new RolesGuard(app.get(Reflector)))
  await app.init()
})
afterAll(async () => {
  await app?.close()
  await issuer?.close()
})
beforeEach(() => {
  logged.length = 0
})

const token = (scope: string) => issuer.token({ sub: 'alice', scope })
const server = () => app.getHttpServer() as Parameters<typeof request>[0]

/** A 500 (the route is mapped), with the error Nest logged naming @bearerguard/nestjs. */
function expectLoudFailure(res: request.Response, handler: string) {
  expect(res.status).toBe(500)
  expect(logged).toHaveLength(1)
  expect(logged[0]).toContain(
    `Error: bearerguard: ${handler} is a NestJS route handler (it has NestJS's @Get, @Post, … ` +
      'metadata), which the scope decorators of @bearerguard/express cannot protect',
  )
  expect(logged[0]).toContain('Use the decorators of @bearerguard/nestjs')
  expect(logged[0]).not.toContain('TypeError')
}

describe('@bearerguard/express decorators in NestJS 12, below @Get', () => {
  it.each([
    ['GET', '/orders', 'OrdersController.list', 'async list()'],
    ['GET', '/orders/7', 'OrdersController.get', 'get(@Param, @Req)'],
    ['POST', '/orders', 'OrdersController.create', 'create(@Body)'],
    ['GET', '/orders/public/health', 'OrdersController.health', '@Public() health()'],
    ['GET', '/admin/express-style', 'AdminController.expressStyle', '(@Req, @Res, @Next)'],
  ])('%s %s (%s): mapped, and fails loudly', async (method, path, handler) => {
    const call = method === 'GET' ? request(server()).get(path) : request(server()).post(path)
    expectLoudFailure(await call.send({ item: 'book' }), handler)
  })

  it('fails loudly with a valid token and the right scope too', async () => {
    const res = await request(server())
      .get('/orders/7')
      .set('Authorization', `Bearer ${await token('orders:read')}`)
    expectLoudFailure(res, 'OrdersController.get')
  })

  it.each([
    ['/admin/roles-below', 'AdminController.rolesBelow'],
    ['/admin/roles-above', 'AdminController.rolesAbove'],
  ])("%s: the user's SetMetadata is still read by a Nest guard", async (path, handler) => {
    const refused = await request(server()).get(path)
    expect(refused.status).toBe(403) // the roles guard saw roles: ['admin']
    expect(logged).toEqual([])
    expectLoudFailure(await request(server()).get(path).set('X-Role', 'admin'), handler)
  })
})

describe('@bearerguard/express decorators in NestJS 12, where NestJS already marked the route', () => {
  const nestError = (handler: string) =>
    `bearerguard: ${handler} is a NestJS route handler (it has NestJS's @Get, @Post, … metadata), ` +
    'which the scope decorators of @bearerguard/express cannot protect: they serve Express ' +
    'handlers called as (req, res, next), and NestJS calls a route with injected parameters ' +
    'and answers errors without their WWW-Authenticate. Use the decorators of ' +
    '@bearerguard/nestjs (read by its guard) instead.'

  it('on the controller class: fails at start-up, naming the first route', () => {
    expect(() => {
      @RequireScopes('orders:read')
      @Controller('orders')
      class ClassDecorated {
        helper() {} // not a route: no complaint
        @Get()
        list() {}
        @Get('health')
        health() {}
      }
      return ClassDecorated
    }).toThrow(new Error(nestError('ClassDecorated.list')))
  })

  it('above @Get: fails at start-up', () => {
    expect(() => {
      @Controller('admin')
      class Above {
        @Public()
        @Get('above')
        above() {}
      }
      return Above
    }).toThrow(new Error(nestError('Above.above')))
  })

  it('a plain class (no NestJS metadata) is decorated as before', () => {
    @RequireScopes('orders:read')
    class Plain {
      @Public()
      list(_req: Request, _res: Response) {}
    }
    expect(Plain.prototype.list.name).toBe('list')
  })
})
