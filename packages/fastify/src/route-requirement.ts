/**
 * A route's requirement, from its `config` (`scopes`, `anyScopes`, `roles`, `anyRoles`,
 * `claims`, `stepUp`, `public`):
 * checked when the route is declared (a `TypeError` naming the route for a malformed one),
 * kept on the route's config under a symbol, and read back per request.
 */
import type { ClaimsOrPredicate, RouteRequirement, StepUpRequirement } from '@bearerguard/core'
import {
  claimsOrPredicate,
  roleRequirement,
  scopeRequirement,
  stepUpRequirement,
} from '@bearerguard/core/adapter'

/**
 * What a route's `config` may say to bearerguard.
 *
 * @example
 * ```ts
 * app.get('/orders', { config: { scopes: ['orders:read'] } }, list)
 * app.get('/health', { config: { public: true } }, health)
 * ```
 */
export interface RouteAuthConfig {
  /** Every one of these scopes (403 `insufficient_scope` when one is missing). */
  scopes?: readonly string[]
  /** At least one of these scopes. */
  anyScopes?: readonly string[]
  /** Every one of these roles (`AuthInfo.roles`; 403 without `scope=` otherwise). */
  roles?: readonly string[]
  /** At least one of these roles. */
  anyRoles?: readonly string[]
  /** Claim values (equal, or all in the claim for a list), or a predicate `(auth) => boolean`. */
  claims?: ClaimsOrPredicate
  /** RFC 9470 step-up: `acr` one of `acrValues` and/or `auth_time` at most `maxAge` s ago. */
  stepUp?: StepUpRequirement
  /** No token needed: the route is not authenticated at all (`request.auth` stays undefined). */
  public?: boolean
}

/** A route's compiled requirement: `null` for a public route. */
export type CompiledRequirement = readonly RouteRequirement[] | null

const COMPILED = Symbol('bearerguard.requirement')
/** Set on the config of a route declared with its own `errorHandler`. */
const OWN_ERROR_HANDLER = Symbol('bearerguard.ownErrorHandler')
const NONE: readonly RouteRequirement[] = Object.freeze([])

type Config = Record<string | symbol, unknown> & {
  [COMPILED]?: CompiledRequirement
  [OWN_ERROR_HANDLER]?: boolean
}

/**
 * Checks `config` and returns it (a new object) with its compiled requirement attached, and
 * whether the route has an `errorHandler` of its own.
 */
export function withRequirement(
  config: object | undefined,
  route: string,
  ownErrorHandler: boolean,
): Record<string | symbol, unknown> {
  const own = (config ?? {}) as Config
  return { ...own, [COMPILED]: compile(own, route), [OWN_ERROR_HANDLER]: ownErrorHandler }
}

/** True when the route of this (runtime) config was declared with its own `errorHandler`. */
export function hasOwnErrorHandler(config: object | undefined): boolean {
  return (config as Config | undefined)?.[OWN_ERROR_HANDLER] === true
}

/** The requirement of a route from its (runtime) config, compiled now when it was declared before the plugin. */
export function requirementOf(config: object | undefined): CompiledRequirement {
  if (!config) return NONE
  const own = config as Config
  if (own[COMPILED] !== undefined) return own[COMPILED]
  const compiled = compile(own, `${String(own.method)} ${String(own.url)}`)
  Object.defineProperty(own, COMPILED, { value: compiled })
  return compiled
}

function compile(config: Config, route: string): CompiledRequirement {
  const where = `route ${route}`
  try {
    return compileChecked(config)
  } catch (error) {
    // core names what the user called: here, a key of the route's config
    const message = (error as Error).message.replace(/^bearerguard: /, '').replace('()', '')
    throw new TypeError(`bearerguard: ${where}: ${message}`)
  }
}

function compileChecked(config: Config): CompiledRequirement {
  const { scopes, anyScopes, roles, anyRoles, claims, stepUp } = config
  const isPublic = config.public
  if (isPublic !== undefined && typeof isPublic !== 'boolean') {
    throw new TypeError('config.public must be true or false')
  }
  const requirements: RouteRequirement[] = []
  if (scopes !== undefined) {
    requirements.push(scopeRequirement(list(scopes, 'scopes'), 'all', 'config.scopes'))
  }
  if (anyScopes !== undefined) {
    requirements.push(scopeRequirement(list(anyScopes, 'anyScopes'), 'any', 'config.anyScopes'))
  }
  if (roles !== undefined) {
    requirements.push(roleRequirement(list(roles, 'roles'), 'all', 'config.roles'))
  }
  if (anyRoles !== undefined) {
    requirements.push(roleRequirement(list(anyRoles, 'anyRoles'), 'any', 'config.anyRoles'))
  }
  if (claims !== undefined) {
    requirements.push(claimsOrPredicate(claims as ClaimsOrPredicate, 'config.claims'))
  }
  if (stepUp !== undefined) {
    requirements.push(stepUpRequirement(stepUp as StepUpRequirement, 'config.stepUp'))
  }
  if (isPublic === true) {
    if (requirements.length > 0) {
      throw new TypeError('config.public cannot be combined with a requirement')
    }
    return null
  }
  return requirements.length > 0 ? Object.freeze(requirements) : NONE
}

function list(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`config.${key} must be a list`)
  return value as string[]
}
