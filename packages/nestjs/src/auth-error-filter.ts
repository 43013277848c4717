/**
 * `AuthErrorFilter`: the global exception filter that answers the guard's rejections — status,
 * `WWW-Authenticate` / `Retry-After` / `DPoP-Nonce`, and the RFC 6750 JSON body, as core's one
 * render function made them — through the platform's own adapter (express or fastify). In a
 * GraphQL resolver it reports the rejection as a GraphQL error instead (see {@link graphqlAuthError}).
 */
import { AuthError } from '@bearerguard/core'
import { renderError } from '@bearerguard/core/adapter'
import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common'
import { HttpAdapterHost } from '@nestjs/core'
import { graphqlAuthError } from './graphql-auth-error.js'

/**
 * Answers every `AuthError`. A filter of yours for `AuthError` bound to a controller or a
 * handler (`@UseFilters`), or globally with `app.useGlobalFilters()`, runs instead of this
 * one. Nest tries global `APP_FILTER` providers of imported modules before those of the
 * importing module, so a filter of yours registered with `APP_FILTER` needs
 * `exceptionFilter: false` on the module. Anything that is not an `AuthError` (a bug) goes on
 * to Nest's usual handling (a 500).
 *
 * @example
 * ```ts
 * // registered by BearerguardModule.forRoot(); with exceptionFilter: false you can bind it yourself:
 * app.useGlobalFilters(new AuthErrorFilter(app.get(HttpAdapterHost)))
 * ```
 */
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  readonly #adapterHost: HttpAdapterHost

  constructor(adapterHost: HttpAdapterHost) {
    this.#adapterHost = adapterHost
  }

  catch(error: AuthError, host: ArgumentsHost): unknown {
    const { status, headers, body } = renderError(error)
    if (host.getType<string>() === 'graphql') return graphqlAuthError(status, headers, body)
    const adapter = this.#adapterHost.httpAdapter
    const response = host.switchToHttp().getResponse<unknown>()
    if (adapter.isHeadersSent(response)) return undefined
    for (const name in headers) adapter.setHeader(response, name, headers[name] as string)
    adapter.reply(response, body, status)
    return undefined
  }
}

// Nest's decorators applied as calls: the package compiles the same under TC39 and legacy
// decorators, and needs no emitDecoratorMetadata from its users' compilers.
Catch(AuthError)(AuthErrorFilter)
Inject(HttpAdapterHost)(AuthErrorFilter, undefined, 0)
