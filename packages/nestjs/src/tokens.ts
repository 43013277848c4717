/** Injection tokens of `BearerguardModule`. */

/**
 * The module's `Guard` (from `@bearerguard/core`): inject it to call `guard.revoke(token)`,
 * `guard.metadata()` or `guard.authenticate()` yourself.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class Tokens {
 *   constructor(@Inject(BEARERGUARD_GUARD) private readonly guard: Guard) {}
 *   revoke(token: string) { return this.guard.revoke(token) }
 * }
 * ```
 */
export const BEARERGUARD_GUARD: unique symbol = Symbol('bearerguard.guard')

/**
 * The module's resolved state (the guard, whether the module created it, the module settings).
 * Internal to the package's providers; exported for tests that replace it.
 *
 * @example
 * ```ts
 * const state = app.get<BearerguardState>(BEARERGUARD_STATE)
 * ```
 */
export const BEARERGUARD_STATE: unique symbol = Symbol('bearerguard.state')
