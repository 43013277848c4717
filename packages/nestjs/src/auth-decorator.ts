/** `@Auth()`: the caller's `AuthInfo` as a handler or resolver parameter. */
import type { AuthInfo } from '@bearerguard/core'
import { createParamDecorator, type ExecutionContext } from '@nestjs/common'
import { httpOf } from './platform-request.js'

/**
 * Injects the verified caller (`AuthInfo`), as the guard set it on the request: undefined on a
 * `@Public()` handler and for an anonymous request to an `optional` guard. Works in HTTP
 * handlers on both platforms and in GraphQL resolvers.
 *
 * @example
 * ```ts
 * @Get('me') me(@Auth() auth: AuthInfo) { return { subject: auth.subject, scopes: auth.scopes } }
 * ```
 */
export const Auth: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthInfo | undefined =>
    httpOf(context)?.request.auth as AuthInfo | undefined,
) as () => ParameterDecorator
