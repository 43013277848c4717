/**
 * What `BearerguardModule.forRoot()` takes: the guard's options (or a guard of your own) and
 * the module's settings beside them, which are taken out before the options reach `createGuard`.
 */
import { isGuard, toGuard } from '@bearerguard/core/adapter'
import type { Guard, GuardOptions, MetadataEndpointOptions } from '@bearerguard/core'

/**
 * How the RFC 9728 metadata endpoint is served (when the guard has `resourceMetadata`).
 *
 * @example
 * ```ts
 * const endpoint: MetadataEndpointSettings = { scopes: ['profile'], maxAge: 600 }
 * ```
 */
export interface MetadataEndpointSettings extends MetadataEndpointOptions {
  /**
   * Add the scopes your Nest controllers and resolvers declare to `scopes_supported`
   * (default true). The guard's `resourceMetadata.scopesSupported`, when set, wins anyway.
   */
  scopesFromControllers?: boolean
}

/**
 * The module's own settings.
 *
 * @example
 * ```ts
 * BearerguardModule.forRoot({ issuer, audience, assertScopesDeclared: true, metadataEndpoint: { scopes: ['profile'] } })
 * ```
 */
export interface BearerguardSettings {
  /**
   * Start-up check, deny by default: the application fails to start, naming each
   * `Controller.handler` (and GraphQL `Resolver.handler`) that declares no requirement and is
   * not `@Public()`. Default false (such handlers need a valid token and no scope).
   */
  assertScopesDeclared?: boolean
  /**
   * The RFC 9728 endpoint (`GET /.well-known/oauth-protected-resource…`), served when the guard
   * has `resourceMetadata`; `false` serves nothing (mount your own). Default `{}`.
   */
  metadataEndpoint?: false | MetadataEndpointSettings
  /**
   * Register the global exception filter that answers `AuthError`s with their status,
   * headers and RFC 6750 body (default true). `false` leaves them to your own filter. For
   * `forRootAsync()`, set it beside `useFactory` (it decides which providers exist).
   */
  exceptionFilter?: boolean
}

/**
 * `BearerguardModule.forRoot()`'s argument: the guard's options (see `GuardOptions`), or
 * `{ guard }` to share a guard you created — plus the module's settings.
 *
 * @example
 * ```ts
 * const options: BearerguardModuleOptions = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
 * const shared: BearerguardModuleOptions = { guard: createGuard(options), assertScopesDeclared: true }
 * ```
 */
export type BearerguardModuleOptions = (GuardOptions | { guard: Guard }) & BearerguardSettings

/**
 * The module's state once its options are resolved.
 *
 * @example
 * ```ts
 * const { guard, owned, settings }: BearerguardState = resolveModuleOptions({ issuer, audience })
 * ```
 */
export interface BearerguardState {
  guard: Guard
  /** True when the module created the guard (and so closes it on shutdown). */
  owned: boolean
  settings: BearerguardSettings
}

const SETTINGS = ['assertScopesDeclared', 'metadataEndpoint', 'exceptionFilter'] as const

/**
 * Splits the module settings off, checks them, and creates the guard (validating its options:
 * a wrong one throws `GuardOptionError` naming it and the fix) unless one was given.
 *
 * @example
 * ```ts
 * const state = resolveModuleOptions({ issuer: 'https://as.example.com', audience: 'https://api.example.com' })
 * ```
 */
export function resolveModuleOptions(options: BearerguardModuleOptions): BearerguardState {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'bearerguard: BearerguardModule options must be an object: { issuer, audience, … } or { guard }',
    )
  }
  const rest: Record<string, unknown> = { ...options }
  const settings: BearerguardSettings = {}
  for (const key of SETTINGS) {
    if (key in rest) {
      ;(settings as Record<string, unknown>)[key] = rest[key]
      delete rest[key]
    }
  }
  checkSettings(settings)
  if ('guard' in rest) {
    const { guard, ...others } = rest
    if (!isGuard(guard)) {
      throw new TypeError(
        'bearerguard: BearerguardModule option "guard" must be a guard made by createGuard()',
      )
    }
    const extra = Object.keys(others)
    if (extra.length > 0) {
      throw new TypeError(
        `bearerguard: BearerguardModule takes either { guard } or guard options, not both (found ${extra.join(', ')} beside guard); pass the options to createGuard() instead`,
      )
    }
    return { guard, owned: false, settings }
  }
  return { guard: toGuard(rest as unknown as GuardOptions), owned: true, settings }
}

function checkSettings(settings: BearerguardSettings): void {
  const { assertScopesDeclared, metadataEndpoint, exceptionFilter } = settings
  for (const [name, value] of Object.entries({ assertScopesDeclared, exceptionFilter })) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`bearerguard: BearerguardModule option "${name}" must be true or false`)
    }
  }
  if (
    metadataEndpoint !== undefined &&
    metadataEndpoint !== false &&
    (typeof metadataEndpoint !== 'object' || metadataEndpoint === null)
  ) {
    throw new TypeError(
      'bearerguard: BearerguardModule option "metadataEndpoint" must be false or { scopes?, maxAge?, controllers?, scopesFromControllers? }',
    )
  }
  const fromControllers = metadataEndpoint ? metadataEndpoint.scopesFromControllers : undefined
  if (fromControllers !== undefined && typeof fromControllers !== 'boolean') {
    throw new TypeError(
      'bearerguard: BearerguardModule option "metadataEndpoint.scopesFromControllers" must be true or false',
    )
  }
}
