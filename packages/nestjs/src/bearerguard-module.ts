/**
 * `BearerguardModule`: `forRoot(options)` or `forRootAsync({ imports, inject, useFactory })`
 * registers the guard globally (`APP_GUARD`), the `AuthError` exception filter (`APP_FILTER`),
 * the RFC 9728 endpoint and the start-up check, and makes the `Guard` injectable
 * (`BEARERGUARD_GUARD`) everywhere.
 */
import {
  Global,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common'
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core'
import { AuthErrorFilter } from './auth-error-filter.js'
import { BearerguardGuard } from './bearerguard-guard.js'
import { BearerguardLifecycle } from './bearerguard-lifecycle.js'
import {
  resolveModuleOptions,
  type BearerguardModuleOptions,
  type BearerguardState,
} from './module-options.js'
import { BEARERGUARD_GUARD, BEARERGUARD_STATE } from './tokens.js'

/**
 * `forRootAsync()`'s argument: a factory of the module options (e.g. from `ConfigService`).
 *
 * @example
 * ```ts
 * BearerguardModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ issuer: config.getOrThrow('OAUTH_ISSUER'), audience: config.getOrThrow('OAUTH_AUDIENCE') }),
 * })
 * ```
 */
export interface BearerguardModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Providers handed to `useFactory`, in order. */
  inject?: Array<InjectionToken | OptionalFactoryDependency>
  /** Returns the module options (or a promise of them). */
  useFactory: (...args: never[]) => BearerguardModuleOptions | Promise<BearerguardModuleOptions>
  /** As the `exceptionFilter` module option; set here, as it decides which providers exist. */
  exceptionFilter?: boolean
}

/**
 * Protects every route of the application (HTTP on platform-express and platform-fastify,
 * and GraphQL resolvers) with one guard: a handler needs a valid token unless `@Public()`, and
 * whatever it declares with `@RequireScopes()`, `@RequireAnyScope()` and `@RequireStepUp()`.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [BearerguardModule.forRoot({ issuer: 'https://as.example.com', audience: 'https://api.example.com' })],
 *   controllers: [OrdersController],
 * })
 * export class AppModule {}
 * ```
 */
export class BearerguardModule {
  /**
   * The module with options known now. Options are validated when the application is
   * created: a wrong one fails the bootstrap with `GuardOptionError` naming it and the fix.
   *
   * @example
   * ```ts
   * BearerguardModule.forRoot({ issuer: 'https://as.example.com', audience: 'https://api.example.com', assertScopesDeclared: true })
   * ```
   */
  static forRoot(options: BearerguardModuleOptions): DynamicModule {
    const exceptionFilter = (options as { exceptionFilter?: unknown } | null)?.exceptionFilter
    return dynamicModule(
      { provide: BEARERGUARD_STATE, useFactory: () => resolveModuleOptions(options) },
      [],
      exceptionFilter !== false,
    )
  }

  /**
   * The module with options from a factory (`ConfigService` and the like).
   *
   * @example
   * ```ts
   * BearerguardModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ issuer: config.getOrThrow('OAUTH_ISSUER'), audience: config.getOrThrow('OAUTH_AUDIENCE') }),
   * })
   * ```
   */
  static forRootAsync(options: BearerguardModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function') {
      throw new TypeError('bearerguard: BearerguardModule.forRootAsync() needs useFactory')
    }
    const { useFactory, inject = [], imports = [], exceptionFilter } = options
    const factory = useFactory as (
      ...args: unknown[]
    ) => BearerguardModuleOptions | Promise<BearerguardModuleOptions>
    return dynamicModule(
      {
        provide: BEARERGUARD_STATE,
        inject,
        useFactory: async (...args: unknown[]) => resolveModuleOptions(await factory(...args)),
      },
      imports,
      exceptionFilter !== false,
    )
  }
}

// Nest's decorators applied as calls: the package compiles the same under TC39 and legacy
// decorators, and needs no emitDecoratorMetadata from its users' compilers.
Global()(BearerguardModule)
Module({})(BearerguardModule)

/** The module with its providers: `state` resolves the options. */
function dynamicModule(
  state: Provider,
  imports: NonNullable<ModuleMetadata['imports']>,
  exceptionFilter: boolean,
): DynamicModule {
  return {
    module: BearerguardModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    providers: [
      state,
      {
        provide: BEARERGUARD_GUARD,
        inject: [BEARERGUARD_STATE],
        useFactory: (s: BearerguardState) => s.guard,
      },
      { provide: APP_GUARD, useClass: BearerguardGuard },
      ...(exceptionFilter ? [{ provide: APP_FILTER, useClass: AuthErrorFilter }] : []),
      BearerguardLifecycle,
    ],
    exports: [BEARERGUARD_GUARD],
  }
}
