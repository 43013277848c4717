/**
 * `createGuard`: the framework-neutral resource server. Adapters hand it a {@link RequestLike}
 * and get back an {@link AuthInfo}, or an {@link AuthError} whose status, code and headers
 * are ready to send.
 */
import {
  AuthError,
  AuthServerUnavailableError,
  InvalidTokenError,
  UnauthorizedError,
} from '../errors/auth-error.js'
import { extractToken } from '../extract/extract-token.js'
import { redactRequest } from '../hooks/redact-request.js'
import type { AuthInfo } from '../identity/auth-info.js'
import { buildAuthInfo, type AuthInfoBase } from '../identity/build-auth-info.js'
import { verifyJwt, type JwtPolicy, type TrustedIssuer } from '../jwt/verify-jwt.js'
import type { GuardOptions } from '../options/guard-options.js'
import { resolveOptions, type ResolvedOptions } from '../options/resolve-options.js'
import type { RequestLike } from '../request-like.js'
import { checkScopes } from '../scopes/scope-requirement.js'
import { withChallenge, type RequestScheme } from './challenge-headers.js'
import { checkBearerUse, checkCertificateBinding, checkDpopUse } from '../dpop/sender-constraint.js'
import type { ExtractedToken } from '../extract/extract-token.js'
import { OpaqueTokenVerifier } from '../introspection/opaque-token-verifier.js'
import { checkTimeClaims } from '../jwt/check-claims.js'
import { looksLikeJws } from '../jwt/looks-like-jws.js'
import { VerifiedTokenCache } from '../jwt/verified-token-cache.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import { httpOptions, IssuerDiscovery, keySourceFor } from './issuer-keys.js'
import {
  buildResourceMetadata,
  type ProtectedResourceMetadata,
} from '../metadata/resource-metadata.js'
import {
  checkStepUp,
  isStepUpRequirement,
  type RouteRequirement,
} from '../stepup/step-up-requirement.js'

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
   * {@link AuthError}.
   */
  authenticate(request: RequestLike): Promise<AuthInfo | undefined>
  /**
   * Throws {@link InsufficientScopeError} unless `auth` satisfies `requirement` (every one of
   * them, when given a list), {@link InsufficientUserAuthenticationError} for a step-up
   * requirement (RFC 9470) it does not meet, and {@link UnauthorizedError} when there is no
   * `auth` at all (an anonymous caller).
   */
  authorize(
    auth: AuthInfo | undefined,
    requirement: RouteRequirement | readonly RouteRequirement[],
  ): void
  /**
   * The RFC 9728 protected resource metadata document. `scopes` (e.g. `declaredScopes(...)`
   * of your controllers) fill `scopes_supported` unless the `scopesSupported` option is set.
   * Throws when the guard was created without the `resourceMetadata` option.
   */
  metadata(options?: { scopes?: readonly string[] }): ProtectedResourceMetadata
  /** The RFC 9728 metadata document's URL (sent as `resource_metadata`), or undefined when off. */
  readonly resourceMetadataUrl: string | undefined
  /**
   * The synchronous fast path for adapters: when the request can be decided without waiting —
   * no token (anonymous or 401), a malformed request, or a Bearer token in the verified-token
   * cache or the introspection cache's memory — returns the same answer `authenticate` would
   * (an {@link AuthInfo}, or `null` for an anonymous request when `optional`) or throws the same
   * {@link AuthError}; returns `undefined` when only `authenticate` can decide (always for a
   * DPoP request: its proof is checked asynchronously). Hooks are called as by `authenticate`.
   */
  authenticateCached(request: RequestLike): AuthInfo | null | undefined
  /** Fetches discovery documents and keys ahead of the first request; rejects when unreachable. */
  ready(): Promise<void>
  /**
   * Forgets a token's cached introspection result, here and — with a shared cache store — on
   * every instance, so its next use is introspected again. A no-op without introspection.
   */
  revoke(token: string): Promise<void>
  /** Stops the guard and closes its cache store; later calls to `authenticate` reject with a 503. */
  close(): Promise<void>
  /**
   * Prepares any {@link AuthError} for sending with this guard's challenge settings; `scheme`
   * is the one the request used (`DPoP` gets a DPoP challenge).
   */
  challenge<E extends AuthError>(error: E, scheme?: 'Bearer' | 'DPoP'): E
  /**
   * The current DPoP server nonce when nonces are on (RFC 9449 §9), else undefined. Adapters
   * send it as `DPoP-Nonce` with answers to DPoP requests, so clients keep a fresh one.
   */
  dpopNonce(): string | undefined
  /**
   * Headers the answer to a request authenticated as `auth` must carry: `Cache-Control:
   * private` for a token sent in the query (RFC 6750 §2.3), and the current `DPoP-Nonce` for a
   * DPoP request when nonces are on (RFC 9449 §9). Empty for most requests.
   */
  responseHeaders(auth: AuthInfo): Readonly<Record<string, string>>
  /** The bearer methods this guard accepts, e.g. to advertise them. */
  readonly bearerMethods: readonly string[]
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
    typeof maybe.authenticate === 'function' &&
    typeof maybe.authorize === 'function'
  )
}

/**
 * A guard, or the options to create one (validated now): what every adapter accepts.
 *
 * @example
 * ```ts
 * const guard = toGuard({ issuer: 'https://as.example.com', audience: 'https://api.example.com' })
 * ```
 */
export function toGuard(value: Guard | GuardOptions): Guard {
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
  const resolved = resolveOptions(options)
  return new BearerGuard(resolved)
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

class BearerGuard implements Guard {
  readonly #options: ResolvedOptions
  readonly #discovery: IssuerDiscovery
  readonly #issuers: Map<string, TrustedIssuer>
  readonly #policy: JwtPolicy
  readonly #opaque: OpaqueTokenVerifier | undefined
  /** Verified JWTs, with the identity built from them (see verified-token-cache.ts). */
  readonly #verified: VerifiedTokenCache<AuthInfoBase> | undefined
  /** Identities built from introspection results, by the result's claims object. */
  readonly #opaqueIdentities = new WeakMap<object, AuthInfoBase>()
  #closed = false

  constructor(options: ResolvedOptions) {
    this.#options = options
    this.#discovery = new IssuerDiscovery(httpOptions(options))
    this.#issuers = new Map(
      [...options.issuers].map(([iss, config]) => [
        iss,
        { config, keys: keySourceFor(config, options, this.#discovery) },
      ]),
    )
    this.#policy = {
      typ: options.typ,
      clockTolerance: options.clockTolerance,
      maxTokenAge: options.maxTokenAge,
      requiredClaims: options.requiredClaims,
    }
    this.#opaque = this.#opaqueVerifier()
    this.#verified = options.jwtCache ? new VerifiedTokenCache(options.jwtCache) : undefined
  }

  get bearerMethods(): readonly string[] {
    return this.#options.bearerMethods
  }

  get resourceMetadataUrl(): string | undefined {
    return this.#options.resourceMetadata?.url
  }

  metadata(options: { scopes?: readonly string[] } = {}): ProtectedResourceMetadata {
    const settings = this.#options.resourceMetadata
    if (!settings) {
      throw new Error(
        'bearerguard: metadata() needs the guard option "resourceMetadata" (e.g. resourceMetadata: true)',
      )
    }
    return buildResourceMetadata(settings, options.scopes)
  }

  async authenticate(request: RequestLike): Promise<AuthInfo | undefined> {
    let auth: AuthInfo | undefined
    try {
      auth = await this.#authenticate(request)
    } catch (error) {
      throw this.#rejected(error, request)
    }
    if (auth) this.#notify(this.#options.onAuthenticated, auth, request)
    return auth
  }

  authenticateCached(request: RequestLike): AuthInfo | null | undefined {
    let auth: AuthInfo | null | undefined
    try {
      if (this.#closed) return undefined
      const found = this.#extract(request)
      if (!found) {
        if (this.#options.optional) return null
        throw new UnauthorizedError()
      }
      this.#precheck(found)
      // a DPoP proof is new on every request, and checking it takes a signature and the
      // replay store: only the asynchronous path does it
      if (found.scheme === 'DPoP') return undefined
      const base = this.#cached(found.token)
      if (!base) return undefined
      this.#checkBinding(base, 'Bearer', request)
      auth = { ...base, tokenSource: found.method }
    } catch (error) {
      throw this.#rejected(error, request)
    }
    this.#notify(this.#options.onAuthenticated, auth, request)
    return auth
  }

  #rejected(error: unknown, request: RequestLike): AuthError {
    const rejection = this.challenge(asAuthError(error), this.#schemeOf(request))
    this.#notify(this.#options.onRejected, rejection, request)
    return rejection
  }

  async #authenticate(request: RequestLike): Promise<AuthInfo | undefined> {
    if (this.#closed) throw new AuthServerUnavailableError('The guard is closed', 5)
    const found = this.#extract(request)
    if (!found) {
      if (this.#options.optional) return undefined
      throw new UnauthorizedError()
    }
    this.#precheck(found)
    const base = await this.#verify(found.token)
    if (found.scheme === 'DPoP') {
      await checkDpopUse(base, request, found.token, this.#options.dpop, Date.now())
    }
    this.#checkBinding(base, found.scheme, request)
    return { ...base, scheme: found.scheme, tokenSource: found.method }
  }

  /**
   * What both paths refuse before verifying anything, in one order: a token that is too long,
   * then a Bearer token where DPoP is required.
   */
  #precheck(found: ExtractedToken): void {
    if (found.token.length > this.#options.maxTokenLength) {
      throw new InvalidTokenError('Token is too long')
    }
    if (found.scheme === 'Bearer' && this.#options.dpop.mode === 'required') {
      checkBearerUse(undefined, 'required')
    }
  }

  #extract(request: RequestLike): ExtractedToken | undefined {
    return extractToken(
      request,
      this.#options.bearerMethods,
      this.#options.dpop.mode !== 'disabled',
    )
  }

  /**
   * What the token's confirmation demands (see sender-constraint.ts): a DPoP-bound token never
   * as Bearer (a DPoP request's proof was checked already), a certificate-bound one only with
   * its certificate.
   */
  #checkBinding(base: AuthInfoBase, scheme: 'Bearer' | 'DPoP', request: RequestLike): void {
    if (scheme === 'Bearer') checkBearerUse(base, this.#options.dpop.mode)
    checkCertificateBinding(base, request, this.#options.certificateHeader)
  }

  /** Whether `token` is verified locally as a JWT (else introspected), per `tokenFormat`. */
  #isJwt(token: string): boolean {
    const format = this.#options.tokenFormat
    return format === 'jwt' || (format === 'auto' && looksLikeJws(token))
  }

  async #verify(token: string): Promise<AuthInfoBase> {
    if (!this.#opaque || this.#isJwt(token)) {
      return this.#verifyJwt(token)
    }
    return this.#opaqueIdentity(token, await this.#opaque.verify(token))
  }

  /** The identity of a token the caches can vouch for without waiting, or undefined. */
  #cached(token: string): AuthInfoBase | undefined {
    // Only tokens verified as JWTs are in the verified-token cache: a hit settles the format
    // without looking at the token again.
    const jwt = this.#cachedJwt(token, Date.now())
    if (jwt || !this.#opaque || this.#isJwt(token)) return jwt
    const verified = this.#opaque.verifyCached(token)
    return verified && this.#opaqueIdentity(token, verified)
  }

  /**
   * The identity of an active opaque token, built once per introspection result: a cached
   * result is the same claims object on every hit, so its identity is too.
   */
  #opaqueIdentity(
    token: string,
    verified: { issuer: string; claims: Record<string, unknown> },
  ): AuthInfoBase {
    const built = this.#opaqueIdentities.get(verified.claims)
    if (built?.token === token && built.issuer === verified.issuer) return built
    const base = buildAuthInfo({
      token,
      format: 'opaque',
      ...verified,
      scopeClaims: this.#options.scopeClaims,
    })
    this.#opaqueIdentities.set(verified.claims, base)
    return base
  }

  /** A verified-token cache hit for `token` (time claims checked), or undefined. */
  #cachedJwt(token: string, now: number): AuthInfoBase | undefined {
    const cache = this.#verified
    const hit = cache?.get(token, now)
    if (!hit) return undefined
    const keys = this.#issuers.get(hit.issuer)?.keys
    if (keys?.generation === hit.generation && keys.usable()) {
      // exp, nbf and the token's age move on while it is cached: checked on every hit
      checkTimeClaims(
        hit.value.claims,
        this.#policy.clockTolerance,
        this.#policy.maxTokenAge,
        now / 1000,
      )
      return hit.value
    }
    cache?.delete(token) // verified with a key set that has since changed, or gone stale
    return undefined
  }

  async #verifyJwt(token: string): Promise<AuthInfoBase> {
    const cache = this.#verified
    const now = Date.now()
    const cached = this.#cachedJwt(token, now)
    if (cached) return cached
    const { issuer, claims, generation } = await verifyJwt(
      token,
      this.#issuers,
      this.#policy,
      now / 1000,
    )
    const base = buildAuthInfo({
      token,
      format: 'jwt',
      issuer,
      claims,
      scopeClaims: this.#options.scopeClaims,
    })
    if (cache) {
      cache.set(
        token,
        { issuer, value: base, generation },
        { exp: claims.exp, iat: claims.iat, maxTokenAge: this.#policy.maxTokenAge },
        now,
      )
    }
    return base
  }

  #opaqueVerifier(): OpaqueTokenVerifier | undefined {
    const config = this.#options.introspection
    if (!config) return undefined
    const issuer = this.#issuers.get(config.issuer) as TrustedIssuer
    const endpoint = config.endpoint
    return new OpaqueTokenVerifier({
      config,
      http: httpOptions(this.#options),
      endpoint: async () =>
        endpoint ?? this.#discovery.endpoint(config.issuer, 'introspection_endpoint'),
      policy: {
        audiences: issuer.config.audiences,
        requireAudience: config.requireAudience,
        trustedIssuers: new Set(this.#issuers.keys()),
        clockTolerance: this.#options.clockTolerance,
      },
      issuerKeys: { algorithms: issuer.config.algorithms, keys: issuer.keys },
    })
  }

  authorize(
    auth: AuthInfo | undefined,
    requirement: RouteRequirement | readonly RouteRequirement[],
  ): void {
    const requirements = isRequirementList(requirement) ? requirement : [requirement]
    for (const r of requirements) {
      // a programming error, not the caller's fault: it must surface, not become a 401
      const valid =
        typeof r === 'object' &&
        r !== null &&
        (isStepUpRequirement(r) || Array.isArray((r as { scopes?: unknown }).scopes))
      if (!valid) {
        throw new TypeError(
          'bearerguard: authorize() needs { scopes: [...] } or { acrValues?, maxAge? } (see scopeRequirement / stepUpRequirement)',
        )
      }
    }
    try {
      if (!auth) throw new UnauthorizedError()
      for (const r of requirements) {
        if (isStepUpRequirement(r)) {
          checkStepUp(auth.claims, r, Date.now() / 1000, this.#options.clockTolerance)
        } else {
          checkScopes(auth.scopes, r)
        }
      }
    } catch (error) {
      throw this.challenge(asAuthError(error), auth?.scheme)
    }
  }

  async ready(): Promise<void> {
    const introspection = this.#options.introspection
    try {
      await Promise.all([
        ...[...this.#issuers.values()].map((issuer) => issuer.keys.warm()),
        introspection && !introspection.endpoint
          ? this.#discovery.endpoint(introspection.issuer, 'introspection_endpoint')
          : undefined,
        this.#opaque ? unavailableOnFailure(this.#opaque.credentials()) : undefined,
      ])
    } catch (error) {
      throw this.challenge(asAuthError(error))
    }
  }

  async revoke(token: string): Promise<void> {
    this.#verified?.delete(token)
    await this.#opaque?.revoke(token)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#options.introspection?.store.close?.()
  }

  challenge<E extends AuthError>(error: E, scheme?: 'Bearer' | 'DPoP'): E {
    return withChallenge(error, this.#options, scheme)
  }

  dpopNonce(): string | undefined {
    return this.#options.dpop.nonces?.current(Date.now())
  }

  responseHeaders(auth: AuthInfo): Readonly<Record<string, string>> {
    if (auth.tokenSource !== 'query' && auth.scheme !== 'DPoP') return NO_HEADERS // most requests
    const headers: Record<string, string> = {}
    if (auth.tokenSource === 'query') headers['cache-control'] = 'private'
    if (auth.scheme === 'DPoP') {
      const nonce = this.dpopNonce()
      if (nonce) headers['dpop-nonce'] = nonce
    }
    return headers
  }

  /** The scheme a request's Authorization header names, for the challenge. */
  #schemeOf(request: RequestLike): RequestScheme {
    if (this.#options.dpop.mode === 'disabled') return undefined
    const header = request.headers.authorization
    const value = typeof header === 'string' ? header : header?.[0]
    return value !== undefined && /^[ \t]*dpop(?:[ \t]|$)/i.test(value) ? 'DPoP' : undefined
  }

  #notify<A>(
    hook: ((arg: A, request: RequestLike) => void | Promise<void>) | undefined,
    arg: A,
    request: RequestLike,
  ): void {
    if (!hook) return
    try {
      const result = hook(arg, redactRequest(request))
      if (result && typeof result.then === 'function') result.then(undefined, () => {})
    } catch {
      // a failing hook must not change the answer to the request
    }
  }
}

function isRequirementList(
  value: RouteRequirement | readonly RouteRequirement[],
): value is readonly RouteRequirement[] {
  return Array.isArray(value)
}

/** Anything thrown on the way that is not an AuthError is a token we could not verify. */
function asAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  return new InvalidTokenError('Token could not be verified')
}
