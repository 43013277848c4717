/**
 * `BearerguardGuard`: the global guard `BearerguardModule` registers. Authentication and
 * authorization both happen here, so they hold wherever Nest runs guards: HTTP routes on
 * platform-express and platform-fastify, and GraphQL resolvers.
 */
import type { AuthInfo, Guard } from '@bearerguard/core'
import { checkRequest, type HandlerRequirement } from '@bearerguard/core/adapter'
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import {
  httpOf,
  setResponseHeader,
  toRequestLike,
  type PlatformRequest,
} from './platform-request.js'
import { resolveRequirement } from './requirement-metadata.js'
import { BEARERGUARD_GUARD } from './tokens.js'

/** A request's outcome, kept for the other resolvers of one GraphQL request. */
type Outcome = { auth: AuthInfo | undefined } | { error: unknown }

/**
 * For each request: a `@Public()` handler passes untouched; any other has its bearer token
 * verified (`request.auth` set, `guard.responseHeaders(auth)` added to the response) and its
 * declared requirements checked. A handler that declares nothing needs a valid token and no
 * scope (or none at all with an `optional` guard). A rejection is thrown as the guard's
 * rendered `AuthError`, for the module's exception filter to answer. Transports other than
 * HTTP and GraphQL (microservices, WebSockets) carry no bearer token and pass.
 *
 * @example
 * ```ts
 * // registered by BearerguardModule.forRoot(); to order it among your own global guards:
 * providers: [{ provide: APP_GUARD, useClass: BearerguardGuard }]
 * ```
 */
export class BearerguardGuard implements CanActivate {
  readonly #reflector: Reflector
  readonly #guard: Guard
  readonly #requirements = new WeakMap<object, WeakMap<object, HandlerRequirement | null>>()
  readonly #graphql = new WeakMap<object, Outcome | Promise<Outcome>>()

  constructor(reflector: Reflector, guard: Guard) {
    this.#reflector = reflector
    this.#guard = guard
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirement = this.#requirementOf(context.getClass(), context.getHandler())
    if (requirement?.public) return true
    const requirements = requirement?.requirements
    const http = httpOf(context)
    if (!http) return true
    const { request, response } = http
    const guard = this.#guard
    const pass = (auth: AuthInfo | undefined): boolean => {
      if (requirements) guard.authorize(auth, requirements, () => toRequestLike(request))
      return true
    }
    if (context.getType<string>() === 'graphql')
      return this.#graphqlRequest(request, response, pass)
    return checkRequest(
      guard,
      toRequestLike(request),
      (auth) => {
        this.#accept(request, response, auth)
        return pass(auth)
      },
      (error) => {
        throw error
      },
    )
  }

  /** Sets `request.auth` and the headers a success carries (Cache-Control, DPoP-Nonce). */
  #accept(request: PlatformRequest, response: unknown, auth: AuthInfo | undefined): void {
    request.auth = auth
    if (auth) {
      const headers = this.#guard.responseHeaders(auth)
      for (const name in headers) setResponseHeader(response, name, headers[name] as string)
    }
  }

  /**
   * A GraphQL request runs the guard once per resolver; its token (and DPoP proof, which must
   * not be presented twice) is checked once, and each resolver's requirements against that.
   */
  #graphqlRequest(
    request: PlatformRequest,
    response: unknown,
    pass: (auth: AuthInfo | undefined) => boolean,
  ): boolean | Promise<boolean> {
    let outcome = this.#graphql.get(request)
    if (!outcome) {
      outcome = checkRequest<Outcome>(
        this.#guard,
        toRequestLike(request),
        (auth) => {
          this.#accept(request, response, auth)
          return { auth }
        },
        (error) => ({ error }),
      )
      this.#graphql.set(request, outcome)
    }
    const decide = (o: Outcome) => {
      if ('error' in o) throw o.error
      return pass(o.auth)
    }
    return outcome instanceof Promise ? outcome.then(decide) : decide(outcome)
  }

  /** What the handler requires (null: undeclared), read with Nest's Reflector once per handler. */
  #requirementOf(Class: object, handler: object): HandlerRequirement | null {
    let byClass = this.#requirements.get(handler)
    if (!byClass) this.#requirements.set(handler, (byClass = new WeakMap()))
    let requirement = byClass.get(Class)
    if (requirement === undefined) {
      const read = (key: string, target: object) =>
        this.#reflector.get<unknown>(key, target as never)
      requirement = resolveRequirement(read, Class, handler) ?? null
      byClass.set(Class, requirement)
    }
    return requirement
  }
}

// Nest's decorators applied as calls: the package compiles the same under TC39 and legacy
// decorators, and needs no emitDecoratorMetadata from its users' compilers.
Injectable()(BearerguardGuard)
Inject(Reflector)(BearerguardGuard, undefined, 0)
Inject(BEARERGUARD_GUARD)(BearerguardGuard, undefined, 1)
