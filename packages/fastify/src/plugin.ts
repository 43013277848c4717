/**
 * The `bearerguard` Fastify plugin: authenticates every route of the context it is registered
 * in (and of that context's children), applies each route's `config` requirement, and
 * decorates the instance with `requireScopes()`, `requireAnyScope()`, `requireStepUp()` and
 * the guard itself.
 */
import {
  toGuard,
  type AuthInfo,
  type ClaimsOrPredicate,
  type Guard,
  type GuardOptions,
  type StepUpRequirement,
} from '@bearerguard/core'
import { checkRequest, createRequirementMiddlewares, isGuard } from '@bearerguard/core/adapter'
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  preHandlerHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'
import { rejectRequest } from './answer-rejection.js'
import { requirementOf, withRequirement, type RouteAuthConfig } from './route-requirement.js'
import { toRequestLike } from './to-request-like.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; undefined on a `public` route or for an anonymous `optional` request. */
    auth?: AuthInfo
  }
  interface FastifyInstance {
    /** The guard the `bearerguard` plugin authenticates this context with. */
    bearerguard: Guard
    /** A `preHandler` requiring every one of `scopes` (403 `insufficient_scope`, 401 anonymous). */
    requireScopes(...scopes: string[]): preHandlerHookHandler
    /** A `preHandler` requiring at least one of `scopes`. */
    requireAnyScope(...scopes: string[]): preHandlerHookHandler
    /** A `preHandler` requiring a step-up (RFC 9470): `acr` and/or a recent `auth_time`. */
    requireStepUp(requirement: StepUpRequirement): preHandlerHookHandler
    /** A `preHandler` requiring every one of `roles` (`AuthInfo.roles`). */
    requireRoles(...roles: string[]): preHandlerHookHandler
    /** A `preHandler` requiring at least one of `roles`. */
    requireAnyRole(...roles: string[]): preHandlerHookHandler
    /** A `preHandler` requiring claim values, or a predicate `(auth) => boolean`. */
    requireClaims(claims: ClaimsOrPredicate): preHandlerHookHandler
  }
  interface FastifyContextConfig {
    /** bearerguard: every one of these scopes. */
    scopes?: RouteAuthConfig['scopes']
    /** bearerguard: at least one of these scopes. */
    anyScopes?: RouteAuthConfig['anyScopes']
    /** bearerguard: every one of these roles. */
    roles?: RouteAuthConfig['roles']
    /** bearerguard: at least one of these roles. */
    anyRoles?: RouteAuthConfig['anyRoles']
    /** bearerguard: claim values, or a predicate over `request.auth`. */
    claims?: RouteAuthConfig['claims']
    /** bearerguard: an RFC 9470 step-up requirement. */
    stepUp?: RouteAuthConfig['stepUp']
    /** bearerguard: no authentication on this route. */
    public?: RouteAuthConfig['public']
  }
}

/**
 * The plugin's options: the guard's options (a guard is created, and closed with the app), or
 * `{ guard }` to share a guard you created (you close it).
 *
 * @example
 * ```ts
 * const options: BearerguardPluginOptions = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
 * ```
 */
export type BearerguardPluginOptions = GuardOptions | { guard: Guard }

/** What Fastify's `register()` adds to a plugin's options; not the guard's to read. */
const REGISTER_KEYS = ['prefix', 'logLevel', 'logSerializers'] as const

const plugin: FastifyPluginAsync<BearerguardPluginOptions> = async (fastify, options) => {
  if (fastify.hasDecorator('bearerguard')) {
    throw new Error(
      'bearerguard: the plugin is already registered in this context; register it once per encapsulation context (a child context may register its own)',
    )
  }
  const { guard, owned } = guardFrom(options)
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined)
  fastify.decorate('bearerguard', guard)

  const hooks = createRequirementMiddlewares<preHandlerHookHandler>(
    (requirement) =>
      function requireHook(request, reply, next) {
        try {
          guard.authorize(request.auth, requirement, () => toRequestLike(request))
        } catch (error) {
          rejectRequest(error, request, reply, next)
          return
        }
        next()
      },
  )
  fastify.decorate('requireScopes', hooks.requireScopes)
  fastify.decorate('requireAnyScope', hooks.requireAnyScope)
  fastify.decorate('requireStepUp', hooks.requireStepUp)
  fastify.decorate('requireRoles', hooks.requireRoles)
  fastify.decorate('requireAnyRole', hooks.requireAnyRole)
  fastify.decorate('requireClaims', hooks.requireClaims)

  // each route's config requirement is checked when the route is declared
  fastify.addHook('onRoute', (route) => {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method
    route.config = withRequirement(route.config, `${method} ${route.url}`, !!route.errorHandler)
  })

  const authenticate = (
    request: FastifyRequest,
    reply: FastifyReply,
    next: HookHandlerDoneFunction,
  ): void => {
    let requirement: ReturnType<typeof requirementOf>
    try {
      requirement = requirementOf(request.routeOptions.config)
    } catch (error) {
      next(error as Error)
      return
    }
    if (requirement === null) {
      next()
      return
    }
    checkRequest(
      guard,
      toRequestLike(request),
      (auth) => {
        request.auth = auth
        try {
          if (auth) reply.headers(guard.responseHeaders(auth))
          if (requirement.length > 0) {
            guard.authorize(auth, requirement, () => toRequestLike(request))
          }
        } catch (error) {
          rejectRequest(error, request, reply, next)
          return
        }
        next()
      },
      (error) => rejectRequest(error, request, reply, next),
    )
  }
  // Before the body is parsed, so a rejected request costs no parsing — but a form body
  // (where RFC 6750 §2.2 tokens travel, refused or accepted) is read first.
  fastify.addHook('onRequest', (request, reply, next) => {
    if (isForm(request)) next()
    else authenticate(request, reply, next)
  })
  fastify.addHook('preValidation', (request, reply, next) => {
    if (isForm(request)) authenticate(request, reply, next)
    else next()
  })

  if (owned)
    fastify.addHook(
      'onClose',
      (_instance, closed) => void guard.close().then(() => closed(), closed),
    )
}

const FORM = 'application/x-www-form-urlencoded'

/** A form-encoded request (whose body may hold a token). */
function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type']
  return type !== undefined && type.slice(0, FORM.length).toLowerCase() === FORM
}

function guardFrom(options: BearerguardPluginOptions): { guard: Guard; owned: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('bearerguard: the plugin needs options: the guard options, or { guard }')
  }
  if ('guard' in options) {
    if (!isGuard(options.guard)) {
      throw new TypeError('bearerguard: options.guard must be a guard made by createGuard()')
    }
    return { guard: options.guard, owned: false }
  }
  const guardOptions: Record<string, unknown> = { ...options }
  for (const key of REGISTER_KEYS) delete guardOptions[key]
  return { guard: toGuard(guardOptions as unknown as GuardOptions), owned: true }
}

/**
 * Protects the context it is registered in (use `register` inside a plugin, or with a
 * prefix, to protect only part of an app): every route needs a valid bearer token, sets
 * `request.auth`, and enforces its `config` (`scopes`, `anyScopes`, `roles`, `anyRoles`,
 * `claims`, `stepUp`; `public: true` skips authentication). Rejections go to your `setErrorHandler` when you set one, and are
 * otherwise answered with status, `WWW-Authenticate` / `Retry-After` and the RFC 6750 JSON body.
 *
 * @example
 * ```ts
 * await app.register(bearerguard, { issuer: 'https://as.example.com', audience: 'https://api.example.com' })
 * app.get('/orders', { config: { scopes: ['orders:read'] } }, (request) => request.auth)
 * app.post('/orders', { preHandler: app.requireScopes('orders:write') }, create)
 * app.get('/health', { config: { public: true } }, () => ({ ok: true }))
 * ```
 */
export const bearerguard = fp(plugin, { fastify: '5.x', name: '@bearerguard/fastify' })
