/**
 * Reading what controllers declare: for a router, a docs generator, RFC 9728's
 * `scopes_supported`, or a start-up check that no handler was forgotten (deny by default).
 */
import { handlerNames } from './create-scope-decorators.js'
import { holderOf, type AnyClass } from './requirement-records.js'
import { effectiveRequirement, type HandlerRequirement } from './effective-requirement.js'

/**
 * The requirement `method` of `Class` declares (with its class's and ancestors'), or
 * undefined when it declares neither a requirement nor `Public()`.
 *
 * @example
 * ```ts
 * getRequirements(OrdersController, 'create')
 * // → { public: false, requirements: [{ scopes: ['orders:read'], match: 'all' }, { scopes: ['orders:write'], match: 'all' }] }
 * ```
 */
export function getRequirements(
  Class: AnyClass,
  method: string | symbol,
): HandlerRequirement | undefined {
  return effectiveRequirement(holderOf(Class), method)
}

/**
 * Every handler of `Class` with its requirement (undefined when undeclared).
 *
 * @example
 * ```ts
 * for (const { handler, requirement } of listRequirements(OrdersController)) console.log(handler, requirement)
 * ```
 */
export function listRequirements(
  Class: AnyClass,
): Array<{ handler: string | symbol; requirement: HandlerRequirement | undefined }> {
  return handlerNames(Class).map((handler) => ({
    handler,
    requirement: getRequirements(Class, handler),
  }))
}

/**
 * Every scope any handler of the given controllers requires (e.g. for `scopes_supported`).
 *
 * @example
 * ```ts
 * declaredScopes(OrdersController, UsersController) // ['orders:read', 'orders:write', 'users:read']
 * ```
 */
export function declaredScopes(...classes: AnyClass[]): string[] {
  const scopes = new Set<string>()
  for (const Class of classes) {
    for (const { requirement } of listRequirements(Class)) {
      if (requirement && !requirement.public) {
        for (const r of requirement.requirements) {
          if ('scopes' in r) for (const s of r.scopes) scopes.add(s)
        }
      }
    }
  }
  return [...scopes].sort()
}

/**
 * The strict check, for start-up: throws, naming each handler of the given controllers that
 * declares neither a requirement nor `Public()` (deny by default).
 *
 * @example
 * ```ts
 * assertScopesDeclared(OrdersController, UsersController)
 * // Error: bearerguard: these handlers declare no scope requirement and are not marked Public(): OrdersController.health
 * ```
 */
export function assertScopesDeclared(...classes: AnyClass[]): void {
  const missing: string[] = []
  for (const Class of classes) {
    for (const { handler, requirement } of listRequirements(Class)) {
      if (!requirement) missing.push(`${Class.name}.${String(handler)}`)
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `bearerguard: these handlers declare no scope requirement and are not marked Public(): ${missing.join(', ')}. ` +
        'Add @RequireScopes(…), @RequireAnyScope(…) or @Public() to each (or to its class).',
    )
  }
}
