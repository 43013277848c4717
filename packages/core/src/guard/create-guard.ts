/**
 * `createGuard`: the framework-neutral resource server. Adapters hand it a {@link RequestLike}
 * and get back an {@link AuthInfo}, or an `AuthError` whose status, code and headers
 * are ready to send.
 */
import type { AuthInfo } from '../identity/auth-info.js'
import type { ProtectedResourceMetadata } from '../metadata/resource-metadata.js'
import type { GuardOptions } from '../options/guard-options.js'
import { resolveOptions } from '../options/resolve-options.js'
import type { RequestLike } from '../request/request-like.js'
import type { RouteRequirement } from '../requirements/route-requirement.js'
import { BearerGuard } from './bearer-guard.js'

/**
 * A configured resource server.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com' })
 * const auth = await guard.authenticate({ method: 'GET', url: 'https://api.example.com/orders', headers })
 * guard.authorize(auth, { scopes: ['orders:read'] })
 * ```
 */
export interface Guard {
  /**
   * Extracts and verifies the request's bearer token. Resolves the caller's {@link AuthInfo},
   * or `undefined` for a request without a token when `optional` is set. Rejects only with an
   * `AuthError`, rendered with this guard's settings (its `headers` and body are ready to
   * send); anything else it rejects with is a bug, for the framework's 500.
   */
  authenticate(request: RequestLike): Promise<AuthInfo | undefined>
  /**
   * The same pipeline as {@link Guard.authenticate}, for adapters: it decides at once — returns
   * the {@link AuthInfo} (or `undefined`) or throws the rendered `AuthError` — whenever
   * no waiting is needed (no token, a malformed request, a token the caches vouch for), and
   * returns a promise otherwise (a token to verify, a DPoP proof to check). Hooks are called
   * as by `authenticate`.
   *
   * @example
   * ```ts
   * const result = guard.check(request) // AuthInfo | undefined, or a promise of one
   * ```
   */
  check(request: RequestLike): AuthInfo | undefined | Promise<AuthInfo | undefined>
  /**
   * Throws {@link InsufficientScopeError} unless `auth` satisfies `requirement` (every one of
   * them, when given a list), {@link InsufficientUserAuthenticationError} for a step-up
   * requirement (RFC 9470) it does not meet, and {@link UnauthorizedError} when there is no
   * `auth` at all (an anonymous caller) — each rendered with this guard's settings. Given the
   * `request` (or a function making it, called only on a refusal), a refusal is also reported
   * to `onRejected` and explained by `debug`; telemetry records every call either way.
   */
  authorize(
    auth: AuthInfo | undefined,
    requirement: RouteRequirement | readonly RouteRequirement[],
    request?: RequestLike | (() => RequestLike),
  ): void
  /**
   * The RFC 9728 protected resource metadata document. `scopes` (e.g. `declaredScopes(...)`
   * of your controllers) fill `scopes_supported` unless the `scopesSupported` option is set.
   * Throws when the guard was created without the `resourceMetadata` option.
   */
  metadata(options?: { scopes?: readonly string[] }): ProtectedResourceMetadata
  /** The RFC 9728 metadata document's URL (sent as `resource_metadata`), or undefined when off. */
  readonly resourceMetadataUrl: string | undefined
  /** Fetches discovery documents and keys ahead of the first request; rejects when unreachable. */
  ready(): Promise<void>
  /**
   * Revokes a token your code learnt must stop working. An opaque token's cached verdict is
   * forgotten (here and, with a shared cache store, on every instance), so its next use is
   * introspected again. A JWT is verified, then denied by `iss` + `jti` (the token itself
   * without a `jti`) until it expires, through `revocationStore` (on every instance with a
   * shared store); an invalid one revokes nothing. Rejects when the store cannot record it.
   */
  revoke(token: string): Promise<void>
  /** Stops the guard and closes its cache store; later calls to `authenticate` reject with a 503. */
  close(): Promise<void>
  /**
   * Headers the answer to a request authenticated as `auth` must carry: `Cache-Control:
   * private` for a token sent in the query (RFC 6750 §2.3), and the current `DPoP-Nonce` for a
   * DPoP request when nonces are on (RFC 9449 §9). Empty for most requests.
   */
  responseHeaders(auth: AuthInfo): Readonly<Record<string, string>>
}

/**
 * True for a guard made by {@link createGuard} (or anything with its shape).
 *
 * @example
 * ```ts
 * const guard = isGuard(value) ? value : createGuard(value)
 * ```
 */
export function isGuard(value: unknown): value is Guard {
  const maybe = value as Partial<Guard> | null
  return (
    typeof maybe === 'object' &&
    maybe !== null &&
    typeof maybe.check === 'function' &&
    typeof maybe.authenticate === 'function' &&
    typeof maybe.authorize === 'function'
  )
}

/**
 * A guard, or the options to create one: what every adapter's `bearerAuth()` accepts.
 *
 * @example
 * ```ts
 * const options: GuardOrOptions = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
 * app.use('/api', bearerAuth(options)) // or bearerAuth(createGuard(options)) to share one guard
 * ```
 */
export type GuardOrOptions = Guard | GuardOptions

/**
 * A guard, or the options to create one (validated now): what every adapter accepts.
 *
 * @example
 * ```ts
 * const guard = toGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com' })
 * ```
 */
export function toGuard(value: GuardOrOptions): Guard {
  return isGuard(value) ? value : createGuard(value)
}

/**
 * Creates a guard. Options are validated here: a wrong option throws `GuardOptionError`
 * naming it and the fix.
 *
 * @example
 * ```ts
 * import { createGuard } from '@bearerguard/core'
 * const guard = createGuard({
 *   issuer: 'https://as.example.com',
 *   audience: 'https://api.example.com',
 * })
 * await guard.ready()
 * ```
 */
export function createGuard(options: GuardOptions): Guard {
  return new BearerGuard(resolveOptions(options))
}
