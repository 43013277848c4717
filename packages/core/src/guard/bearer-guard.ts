/**
 * The guard's one pipeline: extract (RFC 6750) → precheck → the caches, looked up once → a
 * hit is decided at once; a miss (or a DPoP proof to check) goes on asynchronously with what
 * the lookup worked out → sender constraints → `AuthInfo`. A rejection is rendered once, at
 * the pipeline's edge, with this guard's challenge settings; anything that is not an
 * `AuthError` is a bug and passes through untouched.
 */
import {
  AuthError,
  AuthServerUnavailableError,
  InvalidTokenError,
  UnauthorizedError,
} from '../errors/auth-error.js'
import { rendered, type RequestScheme } from '../errors/render-error.js'
import { extractToken, type ExtractedToken } from '../extract/extract-token.js'
import { redactRequest } from '../hooks/redact-request.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { AuthInfoBase } from '../identity/build-auth-info.js'
import { OpaqueTokenVerifier } from '../introspection/opaque-token-verifier.js'
import { looksLikeJws } from '../jwt/looks-like-jws.js'
import type { TrustedIssuer } from '../jwt/verify-jwt.js'
import {
  buildResourceMetadata,
  type ProtectedResourceMetadata,
} from '../metadata/resource-metadata.js'
import type { RejectionDetails } from '../options/guard-options.js'
import type { GuardSettings } from '../options/guard-settings.js'
import type { RequestLike } from '../request/request-like.js'
import { checkBearerUse, checkCertificateBinding, checkDpopUse } from '../dpop/sender-constraint.js'
import {
  checkRequirement,
  isRouteRequirement,
  type RouteRequirement,
} from '../requirements/route-requirement.js'
import { frozenRequirement } from '../requirements/frozen-requirement.js'
import { JwtDenyList, revokedTokenError } from '../revocation/jwt-deny-list.js'
import { explainRejection } from '../telemetry/explain-rejection.js'
import { Telemetry, type AuthenticationProbe } from '../telemetry/telemetry.js'
import type { FetchJsonOptions } from '../http/fetch-json.js'
import type { Guard } from './create-guard.js'
import { TrustedIssuers } from './trusted-issuers.js'
import { IssuerDiscovery } from './issuer-keys.js'
import { TokenMiss, TokenVerifier } from './token-verifier.js'

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})
const AUTHENTICATE: RejectionDetails = Object.freeze({ stage: 'authenticate' })

/**
 * The guard {@link createGuard} returns.
 *
 * @example
 * ```ts
 * const guard: Guard = new BearerGuard(resolveOptions(options))
 * ```
 */
export class BearerGuard implements Guard {
  readonly #settings: GuardSettings
  readonly #discovery: IssuerDiscovery
  readonly #issuers: TrustedIssuers
  readonly #opaque: OpaqueTokenVerifier | undefined
  readonly #tokens: TokenVerifier
  readonly #denyList: JwtDenyList
  readonly #telemetry: Telemetry
  /** The settings' HTTP options, with telemetry told of every call to the authorization server. */
  readonly #http: FetchJsonOptions
  #closed = false

  constructor(settings: GuardSettings) {
    this.#settings = settings
    this.#telemetry = new Telemetry(settings.telemetry)
    const http = (this.#http = { ...settings.http, observer: this.#telemetry })
    this.#discovery = new IssuerDiscovery(http)
    this.#issuers = new TrustedIssuers(settings.issuers, settings.keys, http, this.#discovery)
    this.#opaque = this.#opaqueVerifier()
    this.#tokens = new TokenVerifier({
      issuers: this.#issuers,
      policy: settings.jwt,
      scopeClaims: settings.scopeClaims,
      roleClaims: settings.roleClaims,
      tokenFormat: settings.tokenFormat,
      jwtCache: settings.jwtCache,
      opaque: this.#opaque,
    })
    this.#denyList = new JwtDenyList(settings.revocation.store, {
      localTtlMs: (settings.jwtCache?.ttl ?? 300) * 1000,
      // revocations broadcast while this instance could not hear them: verify everything again
      onGap: () => this.#tokens.forgetAll(),
    })
  }

  get resourceMetadataUrl(): string | undefined {
    return this.#settings.resourceMetadata?.url
  }

  metadata(options: { scopes?: readonly string[] } = {}): ProtectedResourceMetadata {
    const settings = this.#settings.resourceMetadata
    if (!settings) {
      throw new Error(
        'bearerguard: metadata() needs the guard option "resourceMetadata" (e.g. resourceMetadata: true)',
      )
    }
    return buildResourceMetadata(settings, options.scopes)
  }

  async authenticate(request: RequestLike): Promise<AuthInfo | undefined> {
    return this.check(request)
  }

  check(request: RequestLike): AuthInfo | undefined | Promise<AuthInfo | undefined> {
    const telemetry = this.#telemetry
    if (!telemetry.on) return this.#check(request, undefined)
    const probe = telemetry.authentication()
    let answer: AuthInfo | undefined | Promise<AuthInfo | undefined>
    try {
      answer = this.#check(request, probe)
    } catch (error) {
      probe.failed(error)
      throw error
    }
    if (!(answer instanceof Promise)) {
      probe.allowed(answer)
      return answer
    }
    return answer.then(
      (auth) => {
        probe.allowed(auth)
        return auth
      },
      (error: unknown) => {
        probe.failed(error)
        throw error
      },
    )
  }

  #check(
    request: RequestLike,
    probe: AuthenticationProbe | undefined,
  ): AuthInfo | undefined | Promise<AuthInfo | undefined> {
    let found: ExtractedToken | undefined
    try {
      if (this.#closed) throw new AuthServerUnavailableError('The guard is closed', 5)
      const { request: accepted, dpop } = this.#settings
      found = extractToken(request, accepted.bearerMethods, dpop.mode !== 'disabled')
      if (!found) {
        if (accepted.optional) return undefined
        throw new UnauthorizedError()
      }
      // what is refused before anything is verified, in one order
      if (found.token.length > accepted.maxTokenLength) {
        throw new InvalidTokenError('Token is too long')
      }
      if (found.scheme === 'Bearer' && dpop.mode === 'required') {
        checkBearerUse(undefined, 'required')
      }
      const now = Date.now()
      let looked: AuthInfoBase | TokenMiss
      try {
        looked = this.#tokens.lookup(found.token, now)
      } catch (error) {
        // only a held entry refuses here (expired since it was cached, an inactive token)
        if (probe) [probe.cacheHit, probe.format] = [true, this.#formatOf(found.token)]
        throw error
      }
      if (probe) {
        const missed = looked instanceof TokenMiss
        probe.cacheHit = !missed
        probe.format = missed
          ? (looked as TokenMiss).introspectionKey === undefined
            ? 'jwt'
            : 'opaque'
          : (looked as AuthInfoBase).format
      }
      let fresh = false
      // not cached: a JWT whose keys are at hand is verified at once too
      if (looked instanceof TokenMiss) {
        const verified = this.#tokens.verifyNow(looked, now)
        if (verified) [looked, fresh] = [verified, true]
      }
      // a DPoP proof is new on every request: checking it waits on a signature and the replay store
      if (looked instanceof TokenMiss || found.scheme === 'DPoP') {
        const [token, held] = [found, looked]
        if (probe) return probe.within(() => this.#finish(token, held, request, fresh))
        return this.#finish(found, looked, request, fresh)
      }
      const answer = this.#accept(looked, found, request, fresh)
      if (!(answer instanceof Promise)) return answer
      const scheme = found.scheme
      return answer.catch((error: unknown) => {
        throw this.#reject(error, request, scheme)
      })
    } catch (error) {
      throw this.#reject(error, request, found?.scheme)
    }
  }

  /** The asynchronous rest of the pipeline: verify what the caches could not, check a proof. */
  async #finish(
    found: ExtractedToken,
    looked: AuthInfoBase | TokenMiss,
    request: RequestLike,
    fresh: boolean,
  ): Promise<AuthInfo> {
    try {
      const base = looked instanceof TokenMiss ? await this.#tokens.verify(looked) : looked
      if (found.scheme === 'DPoP') {
        await checkDpopUse(base, request, found.token, this.#settings.dpop, Date.now())
      }
      return await this.#accept(base, found, request, fresh || looked instanceof TokenMiss)
    } catch (error) {
      throw this.#reject(error, request, found.scheme)
    }
  }

  /**
   * What the token's confirmation demands (see sender-constraint.ts) — a DPoP-bound token never
   * as Bearer (a DPoP request's proof was checked already), a certificate-bound one only with
   * its certificate — then revocation (`fresh`: verified by this request, not held in memory),
   * then the request's identity.
   */
  #accept(
    base: AuthInfoBase,
    found: ExtractedToken,
    request: RequestLike,
    fresh: boolean,
  ): AuthInfo | Promise<AuthInfo> {
    if (found.scheme === 'Bearer') checkBearerUse(base, this.#settings.dpop.mode)
    checkCertificateBinding(base, request, this.#settings.certificateHeader)
    const auth: AuthInfo = { ...base, scheme: found.scheme, tokenSource: found.method }
    const pending = this.#checkRevocation(auth, fresh)
    if (pending) return pending.then(() => this.#authenticated(auth, request))
    return this.#authenticated(auth, request)
  }

  #authenticated(auth: AuthInfo, request: RequestLike): AuthInfo {
    const { onAuthenticated } = this.#settings.hooks
    if (onAuthenticated) this.#notify(onAuthenticated, auth, request)
    return auth
  }

  /**
   * A JWT revoked with `guard.revoke()` (this process's list; a token verified afresh is also
   * looked up in a shared store), then the `isRevoked` hook. Undefined when decided at once.
   */
  #checkRevocation(auth: AuthInfo, fresh: boolean): Promise<void> | undefined {
    const list = this.#denyList
    let denied: boolean | Promise<boolean> = false
    if (auth.format === 'jwt' && list.active) {
      const key = list.keyOf(auth.issuer, auth.claims, auth.token)
      denied = fresh ? list.denied(key) : list.deniedHere(key)
    }
    const hook = this.#settings.revocation.isRevoked
    if (denied === false) return hook && askRevocationHook(hook, auth)
    if (denied === true) this.#refuseRevoked(auth)
    return (denied as Promise<boolean>).then((isDenied) => {
      if (isDenied) this.#refuseRevoked(auth)
      return hook && askRevocationHook(hook, auth)
    })
  }

  #refuseRevoked(auth: AuthInfo): never {
    this.#tokens.forget(auth.token)
    throw revokedTokenError()
  }

  /**
   * A rejection, rendered for the request's scheme and reported to `onRejected`; anything that
   * is not an `AuthError` is a bug and is returned untouched (a 500 from the framework).
   */
  #reject(error: unknown, request: RequestLike, scheme: RequestScheme): unknown {
    if (!(error instanceof AuthError)) return error
    const rejection = rendered(error, this.#settings.challenge, scheme ?? this.#schemeOf(request))
    const { onRejected } = this.#settings.hooks
    if (onRejected) this.#notify(onRejected, rejection, request, AUTHENTICATE)
    if (this.#settings.debug) this.#explain(rejection, request, undefined)
    return rejection
  }

  /** A refusal of `authorize()`: telemetry, then (given the request) onRejected and debug. */
  #refused(
    rejection: AuthError,
    failed: RouteRequirement | undefined,
    request: RequestLike | (() => RequestLike) | undefined,
  ): void {
    if (this.#telemetry.on) this.#telemetry.authorization(rejection, failed)
    const { onRejected } = this.#settings.hooks
    const debug = this.#settings.debug
    if (!onRejected && !debug) return
    let asked: RequestLike | undefined
    try {
      asked = typeof request === 'function' ? request() : request
    } catch {
      asked = undefined // an adapter that cannot describe the request: the refusal stands
    }
    if (onRejected && asked) {
      const requirement = failed && frozenRequirement(failed)
      this.#notify(onRejected, rejection, asked, { stage: 'authorize', requirement })
    }
    if (debug) this.#explain(rejection, asked, failed)
  }

  /** The explainer's line for a rejection; a failing logger changes nothing. */
  #explain(
    rejection: AuthError,
    request: RequestLike | undefined,
    failed: RouteRequirement | undefined,
  ): void {
    try {
      this.#settings.debug?.log(explainRejection(rejection, request, failed))
    } catch {
      // the explainer must not change the answer to the request
    }
  }

  #opaqueVerifier(): OpaqueTokenVerifier | undefined {
    const config = this.#settings.introspection
    if (!config) return undefined
    const issuer = this.#issuers.get(config.issuer) as TrustedIssuer
    const endpoint = config.endpoint
    return new OpaqueTokenVerifier({
      config,
      http: this.#http,
      endpoint: async () =>
        endpoint ?? this.#discovery.endpoint(config.issuer, 'introspection_endpoint'),
      policy: {
        audiences: issuer.config.audiences,
        requireAudience: config.requireAudience,
        trustedIssuers: new Set(this.#issuers.keys()),
        clockTolerance: this.#settings.jwt.clockTolerance,
      },
      issuerKeys: { algorithms: issuer.config.algorithms, keys: issuer.keys },
    })
  }

  authorize(
    auth: AuthInfo | undefined,
    requirement: RouteRequirement | readonly RouteRequirement[],
    request?: RequestLike | (() => RequestLike),
  ): void {
    const requirements = isRequirementList(requirement) ? requirement : [requirement]
    for (const r of requirements) {
      // a programming error, not the caller's fault: it must surface, not become a 401
      if (!isRouteRequirement(r)) {
        throw new TypeError(
          'bearerguard: authorize() needs requirements such as { scopes: [...] }, { roles: [...] }, { anyRoles: [...] }, { claims: {...} }, { acrValues?, maxAge? } or a predicate (auth) => boolean',
        )
      }
    }
    let failed: RouteRequirement | undefined
    try {
      if (!auth) throw new UnauthorizedError()
      const now = Date.now() / 1000
      const { clockTolerance } = this.#settings.jwt
      for (const r of requirements) {
        failed = r
        checkRequirement(auth, r, now, clockTolerance)
      }
    } catch (error) {
      if (!(error instanceof AuthError)) throw error
      const rejection = rendered(error, this.#settings.challenge, auth?.scheme)
      this.#refused(rejection, failed, request)
      throw rejection
    }
    if (this.#telemetry.on) this.#telemetry.authorization(undefined, undefined)
  }

  async ready(): Promise<void> {
    const introspection = this.#settings.introspection
    await this.#telemetry.ready()
    try {
      await Promise.all([
        ...[...this.#issuers.values()].map((issuer) => issuer.keys.warm()),
        ...this.#issuers.sharedTemplateKeys().map((keys) => keys.warm()),
        introspection && !introspection.endpoint
          ? this.#discovery.endpoint(introspection.issuer, 'introspection_endpoint')
          : undefined,
        this.#opaque ? unavailableOnFailure(this.#opaque.credentials()) : undefined,
      ])
    } catch (error) {
      if (error instanceof AuthError) throw rendered(error, this.#settings.challenge)
      throw error
    }
  }

  async revoke(token: string): Promise<void> {
    this.#tokens.forget(token)
    await this.#opaque?.revoke(token)
    await this.#denyJwt(token)
  }

  /**
   * Records a JWT as revoked until it expires, after verifying it (a forged token naming
   * someone's `jti` revokes nothing); an invalid or expired one is refused anyway.
   */
  async #denyJwt(token: string): Promise<void> {
    if (typeof token !== 'string' || this.#settings.tokenFormat === 'opaque') return
    if (!looksLikeJws(token)) return
    let base: AuthInfoBase
    try {
      const looked = this.#tokens.lookup(token, Date.now())
      base = looked instanceof TokenMiss ? await this.#tokens.verify(looked) : looked
    } catch (error) {
      if (error instanceof InvalidTokenError) return
      if (error instanceof AuthError) throw rendered(error, this.#settings.challenge)
      throw error
    }
    this.#tokens.forget(token)
    if (base.format !== 'jwt') return
    const list = this.#denyList
    await list.deny(list.keyOf(base.issuer, base.claims, token), this.#denyTtlMs(base.claims))
  }

  /** Until the token can no longer be accepted: `exp` (or `iat` + `maxTokenAge`) + leeway. */
  #denyTtlMs(claims: Readonly<Record<string, unknown>>): number {
    const { clockTolerance, maxTokenAge } = this.#settings.jwt
    const { exp, iat } = claims
    let until: number | undefined
    if (typeof exp === 'number') until = exp
    else if (typeof iat === 'number' && maxTokenAge !== undefined) until = iat + maxTokenAge
    if (until === undefined) return 365 * 24 * 3600 * 1000 // a token that never expires
    return Math.max(1000, (until + clockTolerance) * 1000 - Date.now())
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#settings.introspection?.store.close?.()
  }

  responseHeaders(auth: AuthInfo): Readonly<Record<string, string>> {
    if (auth.tokenSource !== 'query' && auth.scheme !== 'DPoP') return NO_HEADERS // most requests
    const headers: Record<string, string> = {}
    if (auth.tokenSource === 'query') headers['cache-control'] = 'private'
    if (auth.scheme === 'DPoP') {
      const nonce = this.#settings.dpop.nonces?.current(Date.now())
      if (nonce) headers['dpop-nonce'] = nonce
    }
    return headers
  }

  /** How the guard treats `token`: verified as a JWT, or introspected. */
  #formatOf(token: string): 'jwt' | 'opaque' {
    const format = this.#settings.tokenFormat
    if (format !== 'auto') return format
    return this.#opaque && !looksLikeJws(token) ? 'opaque' : 'jwt'
  }

  /** The scheme a request's Authorization header names, for a request extraction refused. */
  #schemeOf(request: RequestLike): RequestScheme {
    if (this.#settings.dpop.mode === 'disabled') return undefined
    const header = request.headers.authorization
    const value = typeof header === 'string' ? header : header?.[0]
    return value !== undefined && /^[ \t]*dpop(?:[ \t]|$)/i.test(value) ? 'DPoP' : undefined
  }

  #notify<A, D>(
    hook: (arg: A, request: RequestLike, details: D) => void | Promise<void>,
    arg: A,
    request: RequestLike,
    details?: D,
  ): void {
    try {
      const result = hook(arg, redactRequest(request), details as D)
      if (result && typeof result.then === 'function') result.then(undefined, () => {})
    } catch {
      // a failing hook must not change the answer to the request
    }
  }
}

/**
 * The `isRevoked` hook's verdict: `true` refuses the token, `false` lets it through; a hook that
 * throws or rejects is a 503 (never a pass), any other answer a `TypeError` (a bug: a 500).
 */
function askRevocationHook(
  hook: NonNullable<GuardSettings['revocation']['isRevoked']>,
  auth: AuthInfo,
): Promise<void> | undefined {
  let verdict: unknown
  try {
    verdict = hook(auth)
  } catch (error) {
    throw revocationUnavailable(error)
  }
  if (verdict instanceof Promise) {
    return verdict.then(judgeRevocation, (error: unknown) => {
      throw revocationUnavailable(error)
    })
  }
  judgeRevocation(verdict)
  return undefined
}

function judgeRevocation(verdict: unknown): void {
  if (verdict === false) return
  if (verdict === true) throw revokedTokenError()
  throw new TypeError(
    `bearerguard: isRevoked must answer true or false (or a promise of one), got ${typeof verdict}`,
  )
}

function revocationUnavailable(cause: unknown): AuthServerUnavailableError {
  return Object.assign(new AuthServerUnavailableError('The revocation check failed', 1), {
    cause,
  })
}

function isRequirementList(
  value: RouteRequirement | readonly RouteRequirement[],
): value is readonly RouteRequirement[] {
  return Array.isArray(value)
}
