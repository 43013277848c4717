/**
 * Where the decorators keep what a class or a handler declares, and how it is read back. A
 * class and each handler carry a list of core `RouteRequirement`s (appended to, never
 * overwritten, so decorators stack) and a `public` flag, as ordinary `reflect-metadata`
 * entries — the ones Nest's `Reflector` reads. The merge rules are core's
 * (`effectiveRequirement`): a handler-level `@Public()` makes the handler public; otherwise
 * every class-level requirement (its class's and its ancestors') plus its own; with none, a
 * class-level `@Public()` makes it public; with nothing declared, it is undeclared.
 */
import type { RouteRequirement } from '@bearerguard/core'
import type { HandlerRequirement } from '@bearerguard/core/adapter'

/** Metadata key of the list of `RouteRequirement`s of a class or a handler. */
export const REQUIREMENTS_KEY = 'bearerguard:requirements'
/** Metadata key of `@Public()`. */
export const PUBLIC_KEY = 'bearerguard:public'

/** Reads one metadata entry of a target, own or inherited (Nest's `reflector.get`). */
export type MetadataReader = (key: string, target: object) => unknown

type Reflecting = typeof Reflect & {
  getMetadata(key: unknown, target: object): unknown
  getOwnMetadata(key: unknown, target: object): unknown
  defineMetadata(key: unknown, value: unknown, target: object): void
}

/** `reflect-metadata`'s API (Nest loads it; so does every Nest app before its decorators run). */
export function reflect(): Reflecting {
  const api = Reflect as Reflecting
  if (typeof api.defineMetadata !== 'function') {
    throw new Error(
      "bearerguard: reflect-metadata is not loaded; import 'reflect-metadata' (as Nest apps do) before decorated classes",
    )
  }
  return api
}

/** Appends `requirements` (and `public`) to what `target` itself declares. */
export function declare(target: object, requirements: readonly RouteRequirement[], pub: boolean) {
  const api = reflect()
  if (requirements.length > 0) {
    const own =
      (api.getOwnMetadata(REQUIREMENTS_KEY, target) as RouteRequirement[] | undefined) ?? []
    api.defineMetadata(REQUIREMENTS_KEY, [...own, ...requirements], target)
  }
  if (pub) api.defineMetadata(PUBLIC_KEY, true, target)
}

/** Reads through `reflect-metadata` directly (outside a request, where no Reflector is at hand). */
export const readMetadata: MetadataReader = (key, target) => reflect().getMetadata(key, target)

/** The class and its ancestors, the class first (up to, not including, `Function.prototype`). */
function classChain(Class: object): object[] {
  const chain: object[] = []
  for (let c: object | null = Class; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c)
  }
  return chain
}

/**
 * What `handler` of `Class` requires, or undefined when it declares nothing (nor its class).
 * `read` is Nest's `reflector.get` in the guard.
 *
 * @example
 * ```ts
 * resolveRequirement((key, target) => reflector.get(key, target), OrdersController, OrdersController.prototype.create)
 * // → { public: false, requirements: [{ scopes: ['orders:read'], match: 'all' }, { scopes: ['orders:write'], match: 'all' }] }
 * ```
 */
export function resolveRequirement(
  read: MetadataReader,
  Class: object,
  handler: object,
): HandlerRequirement | undefined {
  const method = methodDeclaration(read, Class, handler)
  if (method.public) return { public: true }
  // an inherited entry is the same array object as the ancestor's: taken once
  const seen = new Set<unknown>()
  const classLevel: RouteRequirement[] = []
  let classPublic = false
  for (const c of classChain(Class).reverse()) {
    const list = read(REQUIREMENTS_KEY, c) as RouteRequirement[] | undefined
    if (list && !seen.has(list)) {
      seen.add(list)
      classLevel.push(...list)
    }
    classPublic ||= read(PUBLIC_KEY, c) === true
  }
  const requirements = [...classLevel, ...method.requirements]
  if (requirements.length > 0) return { public: false, requirements }
  if (classPublic) return { public: true }
  return undefined
}

/**
 * The handler's own declaration; when it has none, that of the nearest ancestor method of the
 * same name that has one (an override without decorators keeps what it overrides declared).
 */
function methodDeclaration(
  read: MetadataReader,
  Class: object,
  handler: object,
): { requirements: readonly RouteRequirement[]; public: boolean } {
  const own = declarationOf(read, handler)
  if (own) return own
  const name = (handler as { name?: unknown }).name
  if (typeof name === 'string' && name !== '') {
    for (const c of classChain(Class)) {
      const prototype = (c as { prototype?: object }).prototype
      const fn = prototype && Object.getOwnPropertyDescriptor(prototype, name)?.value
      if (typeof fn === 'function' && fn !== handler) {
        const found = declarationOf(read, fn as object)
        if (found) return found
      }
    }
  }
  return { requirements: [], public: false }
}

function declarationOf(
  read: MetadataReader,
  fn: object,
): { requirements: readonly RouteRequirement[]; public: boolean } | undefined {
  const requirements = read(REQUIREMENTS_KEY, fn) as RouteRequirement[] | undefined
  const pub = read(PUBLIC_KEY, fn) === true
  return requirements || pub ? { requirements: requirements ?? [], public: pub } : undefined
}
