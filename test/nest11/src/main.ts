/**
 * A NestJS 11 CommonJS app (compiled by tsc) protected by @bearerguard/nestjs, which it
 * require()s (ESM, through Node's require(esm)). `node dist/app/main.js express|fastify`;
 * ISSUER and AUDIENCE from the environment; prints `READY <port>`.
 */
import 'reflect-metadata'
import { Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { BearerguardModule } from '@bearerguard/nestjs'
import { ItemsController } from './items.controller'

@Module({
  imports: [
    BearerguardModule.forRoot({
      issuer: process.env.ISSUER as string,
      audience: process.env.AUDIENCE as string,
      resourceMetadata: true,
      assertScopesDeclared: true,
    }),
  ],
  controllers: [ItemsController],
})
class AppModule {}

async function main(): Promise<void> {
  const platform = process.argv[2]
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter()
  const app = await NestFactory.create(AppModule, adapter, { logger: ['error'] })
  await app.listen(0, '127.0.0.1')
  const address = app.getHttpServer().address() as { port: number }
  process.stdout.write(`READY ${address.port}\n`)
  // app.close() runs the shutdown hooks: the guard the module created is closed
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0))
  })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
