/**
 * What NestJS apps use instead: @nestjs/passport + passport-jwt with jwks-rsa
 * (passportJwtSecret), AuthGuard('jwt') on the controller and the scope checked by hand, on
 * NestJS 12 (platform-express). Decorators applied as calls (tsx compiles TC39 decorators,
 * not the legacy ones Nest needs).
 */
import 'reflect-metadata'
import {
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  Module,
  Req,
  UseGuards,
} from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport'
import { passportJwtSecret } from 'jwks-rsa'
import type { Server } from 'node:http'
import { ExtractJwt, Strategy } from 'passport-jwt'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()

class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({ jwksUri, cache: true, rateLimit: true }),
      algorithms: ['RS256'],
      audience,
      issuer,
    })
  }
  validate(payload: Record<string, unknown>) {
    return payload
  }
}
Reflect.decorate([Injectable()], JwtStrategy)

class OrdersController {
  list(req: { user?: { scope?: unknown } }) {
    if (!hasScope(req.user?.scope)) throw new ForbiddenException()
    return ORDERS
  }
}
Reflect.decorate(
  [Get('orders')],
  OrdersController.prototype,
  'list',
  Object.getOwnPropertyDescriptor(OrdersController.prototype, 'list'),
)
;(Req() as (target: object, key: string, index: number) => void)(
  OrdersController.prototype,
  'list',
  0,
)
Reflect.decorate([Controller(), UseGuards(AuthGuard('jwt'))], OrdersController)

class AppModule {}
Reflect.decorate(
  [
    Module({
      imports: [PassportModule],
      controllers: [OrdersController],
      providers: [JwtStrategy],
    }),
  ],
  AppModule,
)

const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false })
await app.init()
announce(app.getHttpServer() as Server, port)
