/**
 * `RequireScopes`, `RequireAnyScope`, `RequireRoles`, `RequireAnyRole`, `RequireClaims`,
 * `RequireStepUp`, `Public`: metadata only. Each appends to
 * the class's or the handler's list (see `requirement-metadata.ts`) and returns nothing, so
 * the method stays the very function Nest routes to, with every other metadata (`@Get`,
 * parameter decorators, your own `SetMetadata`) and its arguments untouched. Requirements are
 * checked when the decorator runs: an empty or malformed one throws at start-up.
 */
import type { ClaimsOrPredicate, RouteRequirement, StepUpRequirement } from '@bearerguard/core'
import {
  claimsOrPredicate,
  roleRequirement,
  scopeRequirement,
  stepUpRequirement,
} from '@bearerguard/core/adapter'
import { declare } from './requirement-metadata.js'

/**
 * What the decorators return: usable on a controller (or resolver) class and on its handlers,
 * in any order with Nest's own decorators.
 *
 * @example
 * ```ts
 * const readOrders: RequirementDecorator = RequireScopes('orders:read')
 * ```
 */
export type RequirementDecorator = ClassDecorator & MethodDecorator

/**
 * The decorator of a list of core requirements (and/or `public`): the one every decorator of
 * this package is made with.
 *
 * @example
 * ```ts
 * const RequireAdminScope = () => requirementDecorator([{ scopes: ['admin'], match: 'all' }], false, 'RequireAdminScope()')
 * ```
 */
export function requirementDecorator(
  requirements: readonly RouteRequirement[],
  pub: boolean,
  who: string,
): RequirementDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key === undefined && typeof target === 'function') {
      declare(target, requirements, pub)
      return
    }
    if (key !== undefined && descriptor && typeof descriptor.value === 'function') {
      declare(descriptor.value as object, requirements, pub)
      return
    }
    throw new TypeError(`bearerguard: ${who} decorates classes and their methods only`)
  }) as RequirementDecorator
}

/**
 * Every listed scope is required. On a class: by every handler; on a handler: in addition to
 * the class's. Stacked decorators add up.
 *
 * @example
 * ```ts
 * @Controller('orders')
 * @RequireScopes('orders:read')
 * export class OrdersController {
 *   @Get() list() { return [] }
 *   @Post() @RequireScopes('orders:write') create(@Body() dto: CreateOrder) { return dto }
 * }
 * ```
 */
export function RequireScopes(...scopes: string[]): RequirementDecorator {
  return requirementDecorator(
    [scopeRequirement(scopes, 'all', 'RequireScopes')],
    false,
    'RequireScopes()',
  )
}

/**
 * At least one of the listed scopes is required (added to the other requirements).
 *
 * @example
 * ```ts
 * @Delete(':id') @RequireAnyScope('orders:admin', 'admin') remove(@Param('id') id: string) {}
 * ```
 */
export function RequireAnyScope(...scopes: string[]): RequirementDecorator {
  return requirementDecorator(
    [scopeRequirement(scopes, 'any', 'RequireAnyScope')],
    false,
    'RequireAnyScope()',
  )
}

/**
 * Every listed role is required (`AuthInfo.roles`, read from the guard's `roleClaims`); a
 * caller without them gets 403 `insufficient_scope` with no `scope=` (no scope would help).
 *
 * @example
 * ```ts
 * @Controller('admin') @RequireRoles('admin') export class AdminController {}
 * ```
 */
export function RequireRoles(...roles: string[]): RequirementDecorator {
  return requirementDecorator(
    [roleRequirement(roles, 'all', 'RequireRoles')],
    false,
    'RequireRoles()',
  )
}

/**
 * At least one of the listed roles is required (added to the other requirements).
 *
 * @example
 * ```ts
 * @Post(':id/refund') @RequireAnyRole('admin', 'support') refund(@Param('id') id: string) {}
 * ```
 */
export function RequireAnyRole(...roles: string[]): RequirementDecorator {
  return requirementDecorator(
    [roleRequirement(roles, 'any', 'RequireAnyRole')],
    false,
    'RequireAnyRole()',
  )
}

/**
 * Claim values the token must hold (a string, number or boolean equals the claim; an array
 * must all be in the claim, an array or a space-delimited string), or a predicate
 * `(auth) => boolean`. Unmet: 403 `insufficient_scope` with no `scope=`; a predicate that
 * throws is a 500 (its error goes to Nest's exception handling), never a 401 or 403.
 *
 * @example
 * ```ts
 * @Controller('acme') @RequireClaims({ tenant: 'acme' }) export class AcmeController {}
 * @Get('mine') @RequireClaims((auth) => auth.claims.email_verified === true) mine() {}
 * ```
 */
export function RequireClaims(claims: ClaimsOrPredicate): RequirementDecorator {
  return requirementDecorator(
    [claimsOrPredicate(claims, 'RequireClaims')],
    false,
    'RequireClaims()',
  )
}

/**
 * RFC 9470 step-up: the token's `acr` one of `acrValues` and/or its `auth_time` at most
 * `maxAge` seconds ago, else 401 `insufficient_user_authentication`.
 *
 * @example
 * ```ts
 * @Post('payments') @RequireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }) pay() {}
 * ```
 */
export function RequireStepUp(requirement: StepUpRequirement): RequirementDecorator {
  return requirementDecorator(
    [stepUpRequirement(requirement, 'RequireStepUp')],
    false,
    'RequireStepUp()',
  )
}

/**
 * No authentication: the guard does not look at the request at all (a token sent along is
 * not verified, and `@Auth()` is undefined). On a handler it overrides its class's
 * requirements; on a class it applies to the handlers that declare nothing themselves.
 *
 * @example
 * ```ts
 * @Get('health') @Public() health() { return { ok: true } }
 * ```
 */
export function Public(): RequirementDecorator {
  return requirementDecorator([], true, 'Public()')
}
