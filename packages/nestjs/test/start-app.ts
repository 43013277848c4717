/** Starts a real Nest application on either platform, for supertest. */
import 'reflect-metadata'
import type { INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'

export type Platform = 'express' | 'fastify'
export const PLATFORMS: Platform[] = ['express', 'fastify']
export const AUDIENCE = 'https://api.example.com'

/** Creates, configures (`setup`, before init) and initialises the app; Fastify made ready. */
export async function startApp(
  platform: Platform,
  module: unknown,
  setup?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()
  const app = await NestFactory.create(module as never, adapter, { logger: false })
  setup?.(app)
  await app.init()
  if (platform === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready()
  }
  return app
}
