/**
 * `req.auth`: typed on every Express request once this package is imported, and set without
 * adding a property to `req`. Express swaps each request's prototype for its app's
 * (`app.request`), and V8 then makes every property added to that request cost about 1.5 µs
 * — more than the rest of a cached token's check (a WeakMap entry costs as much under load).
 * So `auth` is an accessor on Express's own request prototype (the one every app's
 * `app.request` inherits from, mounted sub-apps included) that keeps the value in the
 * request's `res.locals` (a dictionary, cheap to add to) under a symbol; `req.auth = …` and
 * `req.auth` read and write it as before, for any middleware. Where that prototype cannot take
 * the accessor (another `auth` defined there first, a frozen prototype), `req.auth` is a plain
 * property as usual.
 */
// aliased: inside `namespace Express`, `AuthInfo` would name passport's `Express.AuthInfo`
import type { AuthInfo as BearerguardAuthInfo } from '@bearerguard/core'
import { IncomingMessage } from 'node:http'
import type { Request } from 'express'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, set by `bearerAuth()`; undefined for an anonymous request. */
      auth?: BearerguardAuthInfo
    }
  }
}

const AUTH = Symbol.for('bearerguard.auth')
/** Where a request's value lives when it has no `res.locals` (not one Express built). */
const elsewhere = new WeakMap<object, unknown>()

type WithLocals = { res?: { locals?: Record<symbol, unknown> } }

/** Prototypes looked at already (given the accessor, or found unable to take it). */
const seen = new WeakSet<object>()

/**
 * Sets `req.auth` (see the module's comment for how).
 *
 * @example
 * ```ts
 * setAuth(req, auth)
 * req.auth?.subject
 * ```
 */
export function setAuth(req: Request, auth: BearerguardAuthInfo | undefined): void {
  const proto = expressRequestPrototype(req)
  if (proto && !seen.has(proto)) {
    seen.add(proto)
    if (!('auth' in proto) && Object.isExtensible(proto)) {
      Object.defineProperty(proto, 'auth', {
        configurable: true,
        enumerable: false,
        get(this: WithLocals) {
          const locals = this.res?.locals
          return locals ? locals[AUTH] : elsewhere.get(this)
        },
        set(this: WithLocals, value: unknown) {
          const locals = this.res?.locals
          if (locals) locals[AUTH] = value
          else elsewhere.set(this, value)
        },
      })
    }
  }
  req.auth = auth
}

/** The prototype just above node's `IncomingMessage.prototype` in `req`'s chain: Express's own. */
function expressRequestPrototype(req: object): object | undefined {
  let proto = Object.getPrototypeOf(req) as object | null
  while (proto) {
    const next = Object.getPrototypeOf(proto) as object | null
    if (next === IncomingMessage.prototype) return proto
    proto = next
  }
  return undefined
}
