/**
 * What `BearerguardModule` does at start-up and shutdown: the opt-in check that every route
 * handler declares a requirement or is public, the RFC 9728 endpoint (its `scopes_supported`
 * from the discovered controllers and resolvers), and closing the guard it created.
 */
import { createMetadataEndpoint } from '@bearerguard/core/adapter'
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common'
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core'
import { assertScopesDeclared, declaredScopes } from './declared-handlers.js'
import { mountMetadataEndpoint } from './metadata-route.js'
import type { BearerguardState } from './module-options.js'
import { BEARERGUARD_STATE } from './tokens.js'

/**
 * Runs the module's start-up work (`onModuleInit`: before Nest's "not found" handler is
 * installed) and closes the guard the module created on `app.close()`.
 *
 * @example
 * ```ts
 * // a provider of BearerguardModule; nothing to call yourself
 * await app.close() // → guard.close()
 * ```
 */
export class BearerguardLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly #state: BearerguardState
  readonly #discovery: DiscoveryService
  readonly #adapterHost: HttpAdapterHost

  constructor(state: BearerguardState, discovery: DiscoveryService, adapterHost: HttpAdapterHost) {
    this.#state = state
    this.#discovery = discovery
    this.#adapterHost = adapterHost
  }

  /** The start-up check (when on) and the RFC 9728 endpoint (when the guard has resourceMetadata). */
  onModuleInit(): void {
    const { guard, settings } = this.#state
    const classes = this.#routedClasses()
    if (settings.assertScopesDeclared) assertScopesDeclared(...classes)
    const endpoint = settings.metadataEndpoint ?? {}
    const adapter = this.#adapterHost.httpAdapter as
      { getType(): string; getInstance(): unknown } | undefined
    if (endpoint === false || guard.resourceMetadataUrl === undefined || !adapter) return
    const { scopesFromControllers = true, scopes = [], ...rest } = endpoint
    const metadata = createMetadataEndpoint(
      guard,
      {
        ...rest,
        scopes: [...scopes, ...(scopesFromControllers ? declaredScopes(...classes) : [])],
      },
      'BearerguardModule metadataEndpoint',
    )
    mountMetadataEndpoint(adapter.getType(), adapter.getInstance(), metadata)
  }

  /** Closes the guard, when the module created it. */
  async onApplicationShutdown(): Promise<void> {
    if (this.#state.owned) await this.#state.guard.close()
  }

  /** The classes of every controller and provider (resolvers among them), each once. */
  #routedClasses(): object[] {
    const classes = new Set<object>()
    for (const wrapper of [
      ...this.#discovery.getControllers(),
      ...this.#discovery.getProviders(),
    ]) {
      const metatype = wrapper.metatype as unknown
      if (typeof metatype === 'function' && !wrapper.isAlias) classes.add(metatype)
    }
    return [...classes]
  }
}

// Nest's decorators applied as calls: the package compiles the same under TC39 and legacy
// decorators, and needs no emitDecoratorMetadata from its users' compilers.
Injectable()(BearerguardLifecycle)
Inject(BEARERGUARD_STATE)(BearerguardLifecycle, undefined, 0)
Inject(DiscoveryService)(BearerguardLifecycle, undefined, 1)
Inject(HttpAdapterHost)(BearerguardLifecycle, undefined, 2)
