/**
 * NestJS 12 on platform-express and platform-fastify as adapters of the harness, with the
 * harness routes as Nest controllers protected by @bearerguard/nestjs's decorators. The
 * decorators are applied as calls (`Reflect.decorate`, parameter decorators by index) rather
 * than with `@` syntax, so this file compiles under the repository's TC39 decorators as well
 * as Nest's legacy ones — and shows they are plain metadata.
 *
 * Nest apps are created asynchronously and MakeApp is synchronous: the guard is made at once
 * (wrong options throw here, as in the other adapters), and the request listener waits for
 * the app before handing each request to the platform underneath (Express's app, Fastify's
 * router).
 */
import 'reflect-metadata'
import { toGuard, type AuthInfo } from '@bearerguard/core'
import {
  Auth,
  BearerguardModule,
  Public,
  RequireAnyRole,
  RequireAnyScope,
  RequireClaims,
  RequireRoles,
  RequireScopes,
  RequireStepUp,
} from '@bearerguard/nestjs'
import {
  Controller,
  Get,
  Header,
  HttpCode,
  Module,
  Post,
  type INestApplication,
} from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { MakeApp } from './harness.js'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from './step-up-routes.js'
import { emailVerified, ROLE, TENANT_CLAIMS } from './role-routes.js'

type Decorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => unknown

/** `@decorators` on `Class` (no `key`) or on its method `key`, as TypeScript's legacy output does. */
function decorate(Class: object, key: string | undefined, ...decorators: Decorator[]): void {
  const api = Reflect as unknown as {
    decorate(d: Decorator[], t: object, k?: string, desc?: PropertyDescriptor): unknown
  }
  if (key === undefined) {
    api.decorate(decorators, Class)
    return
  }
  const prototype = (Class as { prototype: object }).prototype
  api.decorate(decorators, prototype, key, Object.getOwnPropertyDescriptor(prototype, key))
}

/** `@Auth()` on parameter `index` of method `key`. */
function authParameter(Class: { prototype: object }, key: string, index = 0): void {
  ;(Auth() as (t: object, k: string, i: number) => void)(Class.prototype, key, index)
}

const json = Header('content-type', 'application/json') as Decorator

class HealthController {
  health() {
    return { ok: true }
  }
}
decorate(HealthController, 'health', Get('health') as Decorator, Public() as Decorator)
decorate(HealthController, undefined, Controller() as Decorator)

class ApiController {
  // declares nothing: a valid token (none with an optional guard); JSON null when anonymous
  me(auth?: AuthInfo) {
    return JSON.stringify(auth ?? null)
  }
  postMe(auth?: AuthInfo) {
    return JSON.stringify(auth ?? null)
  }
  orders(auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes }
  }
  create() {
    return { created: true }
  }
  admin() {
    return { admin: true }
  }
  mfa(auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes, acr: auth?.claims.acr }
  }
  recent(auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes }
  }
  roles(auth?: AuthInfo) {
    return { subject: auth?.subject }
  }
  tenant(auth?: AuthInfo) {
    return { subject: auth?.subject }
  }
  checked(auth?: AuthInfo) {
    return { subject: auth?.subject }
  }
}
decorate(ApiController, 'me', Get('me') as Decorator, json)
decorate(ApiController, 'postMe', Post('me') as Decorator, HttpCode(200) as Decorator, json)
decorate(ApiController, 'orders', Get('orders') as Decorator, RequireScopes('orders:read'))
decorate(
  ApiController,
  'create',
  Post('orders') as Decorator,
  RequireAnyScope('orders:write', 'admin'),
)
decorate(ApiController, 'admin', Get('admin') as Decorator, RequireScopes('orders:read', 'admin'))
decorate(
  ApiController,
  'mfa',
  Get('mfa') as Decorator,
  RequireStepUp({ acrValues: [MFA_ACR, HWK_ACR] }),
)
decorate(
  ApiController,
  'recent',
  Get('recent') as Decorator,
  RequireStepUp({ maxAge: RECENT_MAX_AGE }),
)
// both role decorators stacked: they add up (one role satisfies both here)
decorate(
  ApiController,
  'roles',
  Get('roles') as Decorator,
  RequireAnyRole(ROLE),
  RequireRoles(ROLE),
)
decorate(ApiController, 'tenant', Get('tenant') as Decorator, RequireClaims(TENANT_CLAIMS))
decorate(ApiController, 'checked', Get('checked') as Decorator, RequireClaims(emailVerified))
for (const key of ['me', 'postMe', 'orders', 'mfa', 'recent', 'roles', 'tenant', 'checked']) {
  authParameter(ApiController, key)
}
decorate(ApiController, undefined, Controller('api') as Decorator)

type Listener = (req: IncomingMessage, res: ServerResponse) => void

function nestApp(platform: 'express' | 'fastify'): MakeApp {
  return (guardOrOptions, settings = {}) => {
    const guard = toGuard(guardOrOptions)
    class AppModule {}
    decorate(
      AppModule,
      undefined,
      Module({
        imports: [
          BearerguardModule.forRoot({
            guard,
            // as the other adapters: scopes_supported only from what the test lists
            metadataEndpoint: { ...settings.metadata, scopesFromControllers: false },
          }),
        ],
        controllers: [HealthController, ApiController],
      }) as Decorator,
    )
    const ready = start(platform, AppModule, settings.trustProxy === true)
    const listener: RequestListener = (req, res) => {
      ready.then(
        (handle) => handle(req, res),
        (error: unknown) => {
          res.writeHead(500).end(String(error))
        },
      )
    }
    return listener
  }
}

async function start(
  platform: 'express' | 'fastify',
  module: unknown,
  trustProxy: boolean,
): Promise<Listener> {
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter({ trustProxy })
  const app: INestApplication = await NestFactory.create(module as never, adapter, {
    logger: false,
  })
  const instance = app.getHttpAdapter().getInstance() as {
    set?(name: string, value: unknown): void
    ready?(): Promise<unknown>
    routing?: Listener
  }
  if (platform === 'express') instance.set?.('trust proxy', trustProxy)
  await app.init()
  if (platform === 'fastify') {
    await instance.ready?.()
    return (req, res) => instance.routing?.(req, res)
  }
  return instance as unknown as Listener
}

/** NestJS 12 + platform-express. */
export const nestExpressApp: MakeApp = nestApp('express')
/** NestJS 12 + platform-fastify. */
export const nestFastifyApp: MakeApp = nestApp('fastify')
