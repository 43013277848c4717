/**
 * How an adapter's framework calls a handler, and the error for a decorated method called any
 * other way. NestJS and routing-controllers call a controller method with the parameters its
 * own decorators ask for (`@Param('id')`, `@Body()`, none at all), not with a request an
 * adapter's decorator could check; there the method must fail loudly, naming what serves that
 * framework, rather than answer with a TypeError or let the request through. A NestJS route
 * handler is recognised by the reflect-metadata NestJS's `@Get`, `@Post`, … put on it (a `path`
 * and a numeric `method`, its `RequestMethod`): it is refused even when called with Express's
 * own `(req, res, next)` (`@Req`, `@Res`, `@Next`), since NestJS answers the errors passed to
 * `next` without their `WWW-Authenticate`.
 */

/**
 * The call an adapter's decorated handlers serve (the second argument of
 * `createScopeDecorators`).
 *
 * @example
 * ```ts
 * const EXPRESS: HandlerCall = {
 *   package: '@bearerguard/express',
 *   signature: 'Express handlers called as (req, res, next)',
 *   accepts: ([req, res, next]) => typeof req === 'object' && typeof res === 'object' && typeof next === 'function',
 * }
 * ```
 */
export interface HandlerCall {
  /** The adapter's package, as the error names it: `'@bearerguard/express'`. */
  package: string
  /** What the adapter serves, for the error: `'Express handlers called as (req, res, next)'`. */
  signature: string
  /** True when `args` are what the framework passes a handler (its request, context, …). */
  accepts(args: readonly unknown[]): boolean
}

/**
 * Where the routing-controllers recipe lives (`authorizationChecker` and `@Authorized()`).
 *
 * @example
 * ```ts
 * console.log(`see ${ROUTING_CONTROLLERS_RECIPE}`)
 * ```
 */
export const ROUTING_CONTROLLERS_RECIPE =
  'https://github.com/bearerguard/bearerguard/blob/main/docs/routing-controllers.md'

/**
 * The error a decorated method throws when called with arguments that are not `call`'s: it
 * names the handler, what it was called with (types only, never values) and what to use instead.
 *
 * @example
 * ```ts
 * throw unservedCall(EXPRESS, 'OrdersController.get', ['42', req])
 * // Error: bearerguard: OrdersController.get has the scope decorators of @bearerguard/express, … called as (string, IncomingMessage) …
 * ```
 */
export function unservedCall(call: HandlerCall, handler: string, args: readonly unknown[]): Error {
  return new Error(
    `bearerguard: ${handler} has the scope decorators of ${call.package}, which serve ` +
      `${call.signature}, but it was called as (${args.map(typeName).join(', ')}), as NestJS ` +
      'and routing-controllers call controller methods (with injected parameters), where ' +
      'these decorators cannot check the request. For NestJS, use the decorators of ' +
      '@bearerguard/nestjs (read by its guard); for routing-controllers, @Authorized() with an ' +
      `authorizationChecker: ${ROUTING_CONTROLLERS_RECIPE}`,
  )
}

/**
 * The error for a NestJS route handler carrying an adapter's decorators: thrown when the
 * decorator sees NestJS's route metadata already on the method, else when the method is called.
 *
 * @example
 * ```ts
 * if (isNestRouteHandler(method)) throw nestRouteHandler(EXPRESS, 'OrdersController.list')
 * ```
 */
export function nestRouteHandler(call: HandlerCall, handler: string): Error {
  return new Error(
    `bearerguard: ${handler} is a NestJS route handler (it has NestJS's @Get, @Post, … ` +
      `metadata), which the scope decorators of ${call.package} cannot protect: they serve ` +
      `${call.signature}, and NestJS calls a route with injected parameters and answers ` +
      'errors without their WWW-Authenticate. Use the decorators of @bearerguard/nestjs ' +
      '(read by its guard) instead.',
  )
}

/** The part of reflect-metadata's API used here, present only when an application loaded it. */
interface MetadataReflect {
  getOwnMetadata?: (key: unknown, target: object) => unknown
}

/**
 * True when NestJS's `@Get`, `@Post`, … marked `fn` a route handler: its own reflect-metadata
 * has a `path` (a string or an array of them) and a numeric `method` (NestJS's `RequestMethod`).
 *
 * @example
 * ```ts
 * isNestRouteHandler(OrdersController.prototype.list) // true under @Get()
 * ```
 */
export function isNestRouteHandler(fn: object): boolean {
  const { getOwnMetadata } = Reflect as MetadataReflect
  if (typeof getOwnMetadata !== 'function') return false
  const path = getOwnMetadata.call(Reflect, 'path', fn)
  return (
    typeof getOwnMetadata.call(Reflect, 'method', fn) === 'number' &&
    (typeof path === 'string' || Array.isArray(path))
  )
}

/** A value's type for the message: never the value itself (it may hold a token). */
function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'object'
}
