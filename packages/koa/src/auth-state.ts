/** `ctx.state.auth`, typed on every Koa context once this package is imported. */
import type { AuthInfo } from '@bearerguard/core'

declare module 'koa' {
  interface DefaultState {
    /** The verified caller, set by `bearerAuth()`; undefined for an anonymous request. */
    auth?: AuthInfo
  }
}
