/**
 * `c.get('auth')` / `c.var.auth`, typed on every Hono context once this package is imported
 * (Hono's `ContextVariableMap`), and {@link BearerAuthEnv} for apps that type their variables
 * through the `Hono<Env>` generic instead.
 */
import type { AuthInfo } from '@bearerguard/core'

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The verified caller, set by `bearerAuth()`; undefined for an anonymous request to an
     * `optional` guard, and on routes `bearerAuth()` does not cover.
     */
    auth: AuthInfo | undefined
  }
}

/**
 * The Hono environment `bearerAuth()` provides: the variable `auth`. `c.get('auth')` is typed
 * without it (through `ContextVariableMap`); use it where you type variables by the generic.
 *
 * @example
 * ```ts
 * const app = new Hono<BearerAuthEnv>()
 * app.get('/me', bearerAuth(guard), (c) => c.json({ sub: c.var.auth?.subject }))
 * ```
 */
export interface BearerAuthEnv {
  Variables: { auth: AuthInfo | undefined }
}
