/**
 * Baseline: NestJS 12 on platform-express with no authentication (baseline of the NestJS
 * family). Decorators are applied as calls: the bench runs its servers through tsx, which
 * compiles TC39 decorators, not the legacy ones Nest needs.
 */
import 'reflect-metadata'
import { Controller, Get, Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import type { Server } from 'node:http'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()

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
Reflect.decorate([Controller()], OrdersController)

class AppModule {}
Reflect.decorate([Module({ controllers: [OrdersController] })], AppModule)

const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false })
await app.init()
announce(app.getHttpServer() as Server, port)
