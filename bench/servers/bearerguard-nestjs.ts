/**
 * @bearerguard/nestjs on NestJS 12 (platform-express): BearerguardModule.forRoot({ issuer,
 * audience, introspection }) and @RequireScopes('orders:read') on the controller. Decorators
 * applied as calls (tsx compiles TC39 decorators, not the legacy ones Nest needs).
 */
import 'reflect-metadata'
import { BearerguardModule, RequireScopes } from '@bearerguard/nestjs'
import { Controller, Get, Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import type { Server } from 'node:http'
import { announce, ORDERS, SCOPE, serverConfig } from './common.js'

const { port, issuer, audience } = serverConfig()

class OrdersController {
  list() {
    return ORDERS
  }
}
Reflect.decorate(
  [Get('orders')],
  OrdersController.prototype,
  'list',
  Object.getOwnPropertyDescriptor(OrdersController.prototype, 'list'),
)
Reflect.decorate([Controller(), RequireScopes(SCOPE)], OrdersController)

class AppModule {}
Reflect.decorate(
  [
    Module({
      imports: [
        BearerguardModule.forRoot({
          issuer,
          audience,
          introspection: { clientId: 'test-client', clientSecret: 'test-secret' },
        }),
      ],
      controllers: [OrdersController],
    }),
  ],
  AppModule,
)

const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false })
await app.init()
announce(app.getHttpServer() as Server, port)
