/**
 * The shapes of the bug report, written as a Nest 11 user writes them: constructor injection
 * by type (emitDecoratorMetadata), injected parameters, async handlers, a user guard reading
 * its own SetMetadata next to bearerguard's decorators.
 */
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Param,
  Post,
  Req,
  SetMetadata,
  UseGuards,
} from '@nestjs/common'
// a value import: emitDecoratorMetadata names Reflector as TagGuard's constructor parameter
// eslint-disable-next-line @typescript-eslint/consistent-type-imports
import { Reflector } from '@nestjs/core'
import { Auth, Public, RequireAnyScope, RequireScopes } from '@bearerguard/nestjs'
import type { AuthInfo } from '@bearerguard/nestjs'

@Injectable()
export class TagGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const tag = this.reflector.get<string | undefined>('tag', context.getHandler())
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string> }>()
    return tag === undefined || req.headers['x-tag'] === tag
  }
}

@Controller('items')
@RequireScopes('items:read')
@UseGuards(TagGuard)
export class ItemsController {
  @Get('open/health')
  @Public()
  health() {
    return { ok: true }
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: { auth?: AuthInfo }) {
    return { id, subject: req.auth?.subject }
  }

  @RequireScopes('items:write')
  @Post()
  create(@Body() dto: { name: string }) {
    return { created: dto.name }
  }

  @Get()
  @SetMetadata('tag', 'blue')
  @RequireAnyScope('items:list', 'admin')
  async list(@Auth() auth: AuthInfo) {
    await new Promise((resolve) => setImmediate(resolve))
    return { subject: auth.subject, scopes: auth.scopes }
  }
}
