/**
 * NestJS 12 on platform-express and platform-fastify as adapters of the harness. Nest apps are
 * created asynchronously and MakeApp is synchronous: the guard is made at once (wrong options
 * throw here, as in the other adapters), and the request listener waits for the app before
 * handing each request to the platform underneath (Express's app, Fastify's router).
 */
import 'reflect-metadata'
import { toGuard } from '@bearerguard/core'
import { BearerguardModule } from '@bearerguard/nestjs'
import { Module, type INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { MakeApp } from '../harness.js'
import { ApiController, HealthController } from './controllers.js'

type Listener = (req: IncomingMessage, res: ServerResponse) => void

function nestApp(platform: 'express' | 'fastify'): MakeApp {
  return (guardOrOptions, settings = {}) => {
    const guard = toGuard(guardOrOptions)
    @Module({
      imports: [
        BearerguardModule.forRoot({
          guard,
          // as the other adapters: scopes_supported only from what the test lists
          metadataEndpoint: { ...settings.metadata, scopesFromControllers: false },
        }),
      ],
      controllers: [HealthController, ApiController],
    })
    class AppModule {}
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
