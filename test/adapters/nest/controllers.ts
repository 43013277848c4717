/**
 * The harness routes (see ../harness.ts) as NestJS controllers, protected by
 * @bearerguard/nestjs's decorators. Legacy decorators, as Nest apps compile them: this folder
 * has its own tsconfig.json with `experimentalDecorators`.
 */
import 'reflect-metadata'
import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common'
import { Auth, Public, RequireAnyScope, RequireScopes, RequireStepUp } from '@bearerguard/nestjs'
import type { AuthInfo } from '@bearerguard/core'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from '../step-up-routes.js'

@Controller()
export class HealthController {
  @Get('health') @Public() health() {
    return { ok: true }
  }
}

@Controller('api')
export class ApiController {
  // declares nothing: a valid token (none with an optional guard); JSON null when anonymous
  @Get('me') @Header('content-type', 'application/json') me(@Auth() auth?: AuthInfo) {
    return JSON.stringify(auth ?? null)
  }

  @Post('me') @HttpCode(200) @Header('content-type', 'application/json') postMe(
    @Auth() auth?: AuthInfo,
  ) {
    return JSON.stringify(auth ?? null)
  }

  @Get('orders') @RequireScopes('orders:read') orders(@Auth() auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes }
  }

  @Post('orders') @RequireAnyScope('orders:write', 'admin') create() {
    return { created: true }
  }

  @Get('admin') @RequireScopes('orders:read', 'admin') admin() {
    return { admin: true }
  }

  @Get('mfa') @RequireStepUp({ acrValues: [MFA_ACR, HWK_ACR] }) mfa(@Auth() auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes, acr: auth?.claims.acr }
  }

  @Get('recent') @RequireStepUp({ maxAge: RECENT_MAX_AGE }) recent(@Auth() auth?: AuthInfo) {
    return { subject: auth?.subject, scopes: auth?.scopes }
  }
}
