/**
 * Reading what controllers and resolvers declare, outside a request: each route handler (a
 * method with Nest's route metadata, or a GraphQL resolver method) with its requirement — for
 * the start-up check and RFC 9728's `scopes_supported`.
 */
import type { HandlerRequirement } from '@bearerguard/core/adapter'
import { readMetadata, resolveRequirement } from './requirement-metadata.js'

// @nestjs/common's PATH_METADATA and @nestjs/graphql's RESOLVER_TYPE_METADATA (stable names;
// @nestjs/graphql is not a dependency)
const ROUTE_KEYS = ['path', 'graphql:resolver_type']

/**
 * One handler of a class and what it requires (undefined: nothing declared).
 *
 * @example
 * ```ts
 * const row: DeclaredHandler = { name: 'OrdersController.list', requirement: { public: true } }
 * ```
 */
export interface DeclaredHandler {
  /** `Class.method`. */
  name: string
  requirement: HandlerRequirement | undefined
}

/** Every method of a class's prototype chain (own first), but the constructor. */
function methods(Class: { prototype?: unknown }): Array<[string, object]> {
  const found = new Map<string, object>()
  for (
    let proto = Class.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || found.has(name)) continue
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown
      if (typeof fn === 'function') found.set(name, fn)
    }
  }
  return [...found]
}

/**
 * The route handlers (HTTP routes and GraphQL resolver methods) of `Class` with their
 * requirements; methods Nest does not route to are left out.
 *
 * @example
 * ```ts
 * declaredHandlers(OrdersController) // [{ name: 'OrdersController.list', requirement: { public: false, … } }, …]
 * ```
 */
export function declaredHandlers(Class: object): DeclaredHandler[] {
  const read = readMetadata
  const rows: DeclaredHandler[] = []
  for (const [name, fn] of methods(Class as { prototype?: unknown })) {
    if (!ROUTE_KEYS.some((key) => read(key, fn) !== undefined)) continue
    const className = (Class as { name?: string }).name || 'anonymous class'
    rows.push({ name: `${className}.${name}`, requirement: resolveRequirement(read, Class, fn) })
  }
  return rows
}

/**
 * What `method` of `Class` requires (with its class's and ancestors' declarations), or
 * undefined when it declares nothing — the merge rules of `@bearerguard/core`, read from the
 * NestJS decorators' metadata.
 *
 * @example
 * ```ts
 * getRequirements(OrdersController, 'create')
 * // → { public: false, requirements: [{ scopes: ['orders:read'], match: 'all' }, { scopes: ['orders:write'], match: 'all' }] }
 * ```
 */
export function getRequirements(
  Class: object,
  method: string | symbol,
): HandlerRequirement | undefined {
  const fn = (Class as { prototype?: Record<string | symbol, unknown> }).prototype?.[method]
  if (typeof fn !== 'function') return undefined
  return resolveRequirement(readMetadata, Class, fn)
}

/**
 * Every route handler of `Class` with its requirement (undefined when undeclared).
 *
 * @example
 * ```ts
 * for (const { handler, requirement } of listRequirements(OrdersController)) console.log(handler, requirement)
 * ```
 */
export function listRequirements(
  Class: object,
): Array<{ handler: string; requirement: HandlerRequirement | undefined }> {
  return declaredHandlers(Class).map(({ name, requirement }) => ({
    handler: name.slice(name.indexOf('.') + 1),
    requirement,
  }))
}

/**
 * Every scope a handler of the given classes requires, sorted (for `scopes_supported`).
 *
 * @example
 * ```ts
 * declaredScopes(OrdersController, UsersController) // ['orders:read', 'orders:write', 'users:read']
 * ```
 */
export function declaredScopes(...classes: object[]): string[] {
  const scopes = new Set<string>()
  for (const Class of classes) {
    for (const { requirement } of declaredHandlers(Class)) {
      if (!requirement || requirement.public) continue
      for (const r of requirement.requirements)
        if ('scopes' in r) for (const s of r.scopes) scopes.add(s)
    }
  }
  return [...scopes].sort()
}

/**
 * The strict check: throws, naming each route handler of the given classes that declares no
 * requirement and is not `@Public()` (what `assertScopesDeclared: true` runs at start-up over
 * every controller and resolver).
 *
 * @example
 * ```ts
 * assertScopesDeclared(OrdersController)
 * // Error: bearerguard: these route handlers declare no requirement and are not marked @Public(): OrdersController.health. …
 * ```
 */
export function assertScopesDeclared(...classes: object[]): void {
  const missing = classes.flatMap((Class) =>
    declaredHandlers(Class)
      .filter((row) => row.requirement === undefined)
      .map((row) => row.name),
  )
  if (missing.length > 0) {
    throw new Error(
      `bearerguard: these route handlers declare no requirement and are not marked @Public(): ${missing.join(', ')}. ` +
        'Add @RequireScopes(…), @RequireAnyScope(…), @RequireStepUp(…) or @Public() to each (or to its class).',
    )
  }
}
