/**
 * The scope decorators (`RequireScopes`, `RequireAnyScope`, `Public`), framework-neutral: they
 * record what they declare and wrap handlers with an adapter's enforcement. TC39 standard
 * decorators (TypeScript ≥ 5) and legacy `experimentalDecorators` (NestJS, routing-controllers)
 * are both accepted. A wrapped handler resolves its requirement when called, so a class
 * decorator applied after its method decorators, or a parent class's decorator, still counts,
 * and the handler enforces it however it is mounted (even unbound, by any router). The wrapper
 * keeps what other decorators put on the method (reflect-metadata, own properties), so a
 * framework's routing is never lost; called other than as the adapter's framework calls a
 * handler, it throws an error naming what to use instead (see `handler-call.ts`).
 */
import { scopeRequirement } from '../scopes/scope-requirement.js'
import { claimsOrPredicate, type ClaimsOrPredicate } from '../requirements/claim-requirement.js'
import { roleRequirement } from '../requirements/role-requirement.js'
import { stepUpRequirement, type StepUpRequirement } from '../stepup/step-up-requirement.js'
import { copyFunctionMetadata } from './copy-function-metadata.js'
import { effectiveRequirement, type HandlerRequirement } from './effective-requirement.js'
import {
  isNestRouteHandler,
  nestRouteHandler,
  unservedCall,
  type HandlerCall,
} from './handler-call.js'
import {
  legacyHolder,
  ownRecord,
  type AnyClass,
  type Declaration,
  type Holder,
} from './requirement-records.js'

/**
 * Wraps `original` so that it enforces `resolve()` before running (supplied by each adapter).
 *
 * @example
 * ```ts
 * const wrap: HandlerWrapper = (original, resolve) =>
 *   function (this: unknown, ...args: never[]) {
 *     const requirement = resolve()
 *     if (!requirement.public) check(requirement.requirements, ...args)
 *     return original.apply(this, args)
 *   }
 * ```
 */
export type HandlerWrapper = (
  original: (...args: never[]) => unknown,
  resolve: () => HandlerRequirement,
) => (...args: never[]) => unknown

/**
 * A decorator usable on a class or a method, standard or legacy.
 *
 * @example
 * ```ts
 * @RequireScopes('orders:read') class OrdersController { list() {} }
 * ```
 */
export interface ScopeDecorator {
  // TC39 standard decorators
  /* eslint-disable @typescript-eslint/no-explicit-any -- the shapes TypeScript's decorator contexts require */
  /** On a class (TC39). @typeParam T - the decorated class */
  <T extends abstract new (...args: any) => any>(value: T, context: ClassDecoratorContext<T>): void
  /** On a method (TC39). @typeParam T - the decorated method */
  <T extends (this: any, ...args: any) => any>(
    value: T,
    context: ClassMethodDecoratorContext<any, T>,
  ): T
  /* eslint-enable @typescript-eslint/no-explicit-any */
  // legacy experimentalDecorators
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor
  (target: AnyClass): void
}

/**
 * The decorators an adapter exports.
 *
 * @example
 * ```ts
 * export const { RequireScopes, RequireAnyScope, Public }: ScopeDecorators = createScopeDecorators(wrap)
 * ```
 */
export interface ScopeDecorators {
  /**
   * Every listed scope is required (on a class: by every handler; on a method: added to the class's).
   *
   * @example
   * ```ts
   * @RequireScopes('orders:read') class OrdersController { list() {} }
   * ```
   */
  RequireScopes(...scopes: string[]): ScopeDecorator
  /**
   * At least one listed scope is required.
   *
   * @example
   * ```ts
   * class OrdersController { @RequireAnyScope('orders:admin', 'admin') remove() {} }
   * ```
   */
  RequireAnyScope(...scopes: string[]): ScopeDecorator
  /**
   * A step-up requirement (RFC 9470): the token's `acr` one of `acrValues` and/or its
   * `auth_time` at most `maxAge` seconds ago. Added to the other requirements like a scope.
   *
   * @example
   * ```ts
   * class AccountController { @RequireStepUp({ acrValues: ['urn:example:mfa'] }) close() {} }
   * ```
   */
  RequireStepUp(requirement: StepUpRequirement): ScopeDecorator
  /**
   * Every listed role is required (`AuthInfo.roles`; 403 `insufficient_scope` without `scope=`).
   *
   * @example
   * ```ts
   * @RequireRoles('admin') class AdminController { purge() {} }
   * ```
   */
  RequireRoles(...roles: string[]): ScopeDecorator
  /**
   * At least one listed role is required.
   *
   * @example
   * ```ts
   * class OrdersController { @RequireAnyRole('admin', 'support') refund() {} }
   * ```
   */
  RequireAnyRole(...roles: string[]): ScopeDecorator
  /**
   * Claim values the token must hold (a string/number/boolean equals the claim; an array must
   * all be in it), or a predicate `(auth) => boolean`.
   *
   * @example
   * ```ts
   * @RequireClaims({ tenant: 'acme' }) class AcmeController { list() {} }
   * ```
   */
  RequireClaims(claims: ClaimsOrPredicate): ScopeDecorator
  /**
   * No scope is required (a method-level `Public()` also overrides class-level requirements).
   *
   * @example
   * ```ts
   * @RequireScopes('orders:read') class OrdersController { @Public() health() {} }
   * ```
   */
  Public(): ScopeDecorator
}

const ORIGINAL = Symbol('bearerguard.original')
type Wrapped = ((...args: never[]) => unknown) & { [ORIGINAL]?: (...args: never[]) => unknown }

/**
 * Builds the decorators around an adapter's handler wrapper. Given `call`, a decorated method
 * called with arguments `call` does not accept (as NestJS and routing-controllers call
 * controller methods) throws an `Error` naming the handler and what to use instead, before
 * the wrapper runs.
 *
 * @example
 * ```ts
 * export const { RequireScopes, RequireAnyScope, Public } = createScopeDecorators(
 *   (original, resolve) =>
 *     function (this: unknown, ctx, next) { enforce(resolve(), ctx); return original.call(this, ctx, next) },
 *   { package: '@bearerguard/koa', signature: 'Koa handlers called as (ctx, next)', accepts: isKoaCall },
 * )
 * ```
 */
export function createScopeDecorators(wrap: HandlerWrapper, call?: HandlerCall): ScopeDecorators {
  const wrapHandler = (
    fn: (...args: never[]) => unknown,
    holder: Holder,
    name: string | symbol,
    owner: string | undefined,
  ) => {
    // certain already (NestJS's @Get below this decorator): fail at start-up
    if (call && isNestRouteHandler(fn))
      throw nestRouteHandler(call, handlerName(undefined, owner, name))
    const original = (fn as Wrapped)[ORIGINAL] ?? fn
    const enforce = wrap(original, () => effectiveRequirement(holder, name) ?? { public: true })
    let nest: boolean | undefined // decided at the first call, once every decorator has run
    const wrapped = (
      call
        ? function (this: unknown, ...args: never[]): unknown {
            nest ??= isNestRouteHandler(wrapped)
            if (nest) throw nestRouteHandler(call, handlerName(this, owner, name))
            if (!call.accepts(args)) throw unservedCall(call, handlerName(this, owner, name), args)
            return enforce.apply(this, args)
          }
        : enforce
    ) as Wrapped
    // what other decorators put on the method, before ours (on the original) or above it
    // (on the wrapper a class decorator now wraps again)
    copyFunctionMetadata(wrapped, original === fn ? [original] : [original, fn], [ORIGINAL])
    Object.defineProperty(wrapped, ORIGINAL, { value: original })
    Object.defineProperty(wrapped, 'name', { value: original.name })
    Object.defineProperty(wrapped, 'length', { value: original.length })
    return wrapped
  }

  /** Wraps every handler a class has (own or inherited), resolving through its holder. */
  const wrapClass = (target: AnyClass, holder: Holder) => {
    const prototype = target.prototype as Record<string | symbol, unknown>
    for (const name of handlerNames(target)) {
      const fn = prototype[name] as (...args: never[]) => unknown
      Object.defineProperty(prototype, name, {
        value: wrapHandler(fn, holder, name, target.name),
        writable: true,
        configurable: true,
        enumerable: false,
      })
    }
  }

  const declare = (declaration: Declaration, where: string): ScopeDecorator =>
    function decorator(
      value: unknown,
      context?: unknown,
      descriptor?: PropertyDescriptor,
    ): unknown {
      // TC39: (value, context with `kind`)
      if (typeof context === 'object' && context !== null && 'kind' in context) {
        const ctx = context as DecoratorContext
        const holder = (ctx as { metadata?: object }).metadata
        if (!holder) {
          throw new TypeError(
            `bearerguard: ${where} needs Symbol.metadata; import bearerguard before defining decorated classes`,
          )
        }
        if (ctx.kind === 'class') {
          merge(ownRecord(holder).own, declaration)
          wrapClass(value as AnyClass, holder)
          return undefined
        }
        if (ctx.kind === 'method' && !ctx.static) {
          mergeMethod(holder, ctx.name, declaration)
          return wrapHandler(value as (...args: never[]) => unknown, holder, ctx.name, undefined)
        }
        throw new TypeError(
          `bearerguard: ${where} decorates classes and their instance methods only`,
        )
      }
      // legacy class decorator: (constructor)
      if (typeof value === 'function' && context === undefined) {
        const holder = legacyHolder(value as AnyClass)
        merge(ownRecord(holder).own, declaration)
        wrapClass(value as AnyClass, holder)
        return undefined
      }
      // legacy method decorator: (prototype, key, descriptor)
      if (
        typeof value === 'object' &&
        value !== null &&
        (typeof context === 'string' || typeof context === 'symbol') &&
        descriptor &&
        typeof descriptor.value === 'function'
      ) {
        const Class = (value as { constructor: AnyClass }).constructor
        const holder = legacyHolder(Class)
        mergeMethod(holder, context, declaration)
        return { ...descriptor, value: wrapHandler(descriptor.value, holder, context, Class.name) }
      }
      throw new TypeError(`bearerguard: ${where} decorates classes and their instance methods only`)
    } as ScopeDecorator

  return {
    RequireScopes: (...scopes) =>
      declare(
        { requirements: [scopeRequirement(scopes, 'all', 'RequireScopes')], public: false },
        'RequireScopes()',
      ),
    RequireAnyScope: (...scopes) =>
      declare(
        { requirements: [scopeRequirement(scopes, 'any', 'RequireAnyScope')], public: false },
        'RequireAnyScope()',
      ),
    RequireStepUp: (requirement) =>
      declare(
        { requirements: [stepUpRequirement(requirement, 'RequireStepUp')], public: false },
        'RequireStepUp()',
      ),
    RequireRoles: (...roles) =>
      declare(
        { requirements: [roleRequirement(roles, 'all', 'RequireRoles')], public: false },
        'RequireRoles()',
      ),
    RequireAnyRole: (...roles) =>
      declare(
        { requirements: [roleRequirement(roles, 'any', 'RequireAnyRole')], public: false },
        'RequireAnyRole()',
      ),
    RequireClaims: (claims) =>
      declare(
        { requirements: [claimsOrPredicate(claims, 'RequireClaims')], public: false },
        'RequireClaims()',
      ),
    Public: () => declare({ requirements: [], public: true }, 'Public()'),
  }
}

function merge(into: Declaration, from: Declaration): void {
  into.requirements.push(...from.requirements)
  into.public ||= from.public
}

function mergeMethod(holder: Holder, name: string | symbol, declaration: Declaration): void {
  const { methods } = ownRecord(holder)
  const existing = methods.get(name) ?? { requirements: [], public: false }
  merge(existing, declaration)
  methods.set(name, existing)
}

/** `Class.method` for messages: the class of `self` when called on an instance, else `owner`'s. */
function handlerName(self: unknown, owner: string | undefined, name: string | symbol): string {
  const ofSelf =
    typeof self === 'object' && self !== null && self !== globalThis
      ? (self as { constructor?: { name?: unknown } }).constructor?.name
      : undefined
  const className = typeof ofSelf === 'string' && ofSelf !== '' ? ofSelf : owner
  return className ? `${className}.${String(name)}` : String(name)
}

/** Every instance method a class has, own or inherited (up to Object), but the constructor. */
export function handlerNames(target: AnyClass): Array<string | symbol> {
  const names = new Set<string | symbol>()
  for (
    let proto = target.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Reflect.ownKeys(proto)) {
      if (name === 'constructor' || names.has(name)) continue
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)
      if (descriptor && typeof descriptor.value === 'function') names.add(name)
    }
  }
  return [...names]
}
