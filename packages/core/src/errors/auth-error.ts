/**
 * The one error hierarchy of bearerguard. Every rejection of a request is an {@link AuthError}:
 * data saying what happened (the HTTP status, the RFC 6750 error code, a safe description, the
 * challenge parameters such as the required `scope`, `Retry-After` for a 503). The guard that
 * rejects a request renders it once (`renderError`, with its realm, DPoP and RFC 9728
 * settings and the request's scheme) into the `headers` and body an adapter sends; nothing
 * changes an error after that.
 */

/**
 * An error turned into an answer: status, headers (`WWW-Authenticate`, `Retry-After`,
 * `DPoP-Nonce`) and the RFC 6750 JSON body.
 *
 * @example
 * ```ts
 * const { status, headers, body }: Rendering = renderError(error)
 * res.writeHead(status, headers).end(JSON.stringify(body))
 * ```
 */
export interface Rendering {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly error: string; readonly error_description?: string }
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/** Set by the class's static block: the one way to give an error its rendering. */
let setRendering: (error: AuthError, rendering: Rendering) => void

/**
 * RFC 6750 §3.1 error codes, RFC 9449 §7.1 and §9's DPoP codes, RFC 9470's
 * `insufficient_user_authentication`, and `temporarily_unavailable` for 503s.
 *
 * @example
 * ```ts
 * const code: AuthErrorCode | undefined = err.code // undefined for a bare 401
 * ```
 */
export type AuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'temporarily_unavailable'

/**
 * Base class of every rejection.
 *
 * @example
 * ```ts
 * try { await guard.authenticate(req) } catch (err) {
 *   if (err instanceof AuthError) res.writeHead(err.status, err.headers).end(JSON.stringify(err.toJSON()))
 * }
 * ```
 */
export class AuthError extends Error {
  /** HTTP status: 400, 401, 403 or 503. */
  readonly status: number
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode: number
  /** RFC 6750 error code; undefined for a bare 401 (no credentials). */
  readonly code: AuthErrorCode | undefined
  /** A safe, human-readable description (never a token, URL of an internal service or stack). */
  readonly description: string
  /** Extra challenge parameters (e.g. `scope` for insufficient_scope). */
  readonly challengeParams: Readonly<Record<string, string>>
  /** Tells error handlers (Express, Koa, http-errors) that the message is safe to show. */
  readonly expose = true
  #rendering: Rendering | undefined

  static {
    setRendering = (error, rendering) => {
      error.#rendering ??= rendering
    }
  }

  constructor(
    status: number,
    code: AuthErrorCode | undefined,
    description: string,
    challengeParams: Record<string, string> = {},
  ) {
    // Rejections are expected events, not bugs: no stack trace is captured (capturing one cost
    // as much as half a signature check per bad token) and none would be shown — it would only
    // leak file paths into responses of frameworks that print `err.stack` in development.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(description)
    Error.stackTraceLimit = limit
    this.status = status
    this.statusCode = status
    this.code = code
    this.description = description
    this.challengeParams = challengeParams
    this.stack = `${this.name}: ${description}`
  }

  override get name(): string {
    return this.constructor.name
  }

  /**
   * Response headers: `WWW-Authenticate` on 400/401/403, `Retry-After` on 503, `DPoP-Nonce`
   * for `use_dpop_nonce` — as rendered by the guard that rejected the request (empty before).
   * Middleware that adds headers to an error on its way (as `@koa/cors` does with
   * `err.headers = { ...err.headers, … }`) may assign it; the rendering itself never changes.
   */
  get headers(): Readonly<Record<string, string>> {
    return this.#headers ?? this.#rendering?.headers ?? NO_HEADERS
  }

  set headers(value: Readonly<Record<string, string>>) {
    this.#headers = value
  }

  #headers: Readonly<Record<string, string>> | undefined

  /** The rendering the guard gave this error, or undefined when no guard rendered it. */
  get rendering(): Rendering | undefined {
    return this.#rendering
  }

  /** The JSON body adapters send: `{ error, error_description }`, as rendered. */
  toJSON(): { error: string; error_description?: string } {
    return this.#rendering?.body ?? defaultBody(this)
  }
}

/**
 * `{ error, error_description }` of an error no guard rendered (descriptions shown).
 *
 * @example
 * ```ts
 * defaultBody(new InvalidTokenError('Token has expired')) // { error: 'invalid_token', error_description: 'Token has expired' }
 * ```
 */
export function defaultBody(error: AuthError): { error: string; error_description?: string } {
  const code = error.code ?? 'unauthorized'
  return error.description ? { error: code, error_description: error.description } : { error: code }
}

/**
 * Gives `error` its rendering, once: an error already rendered keeps its first one. Internal to
 * core (see `renderError`), not exported by the package.
 *
 * @example
 * ```ts
 * attachRendering(error, rendering)
 * ```
 */
export function attachRendering<E extends AuthError>(error: E, rendering: Rendering): E {
  setRendering(error, Object.freeze(rendering))
  return error
}

/**
 * 401 without error information (RFC 6750 §3.1): the request carried no bearer credentials,
 * or used another scheme such as `Basic`.
 *
 * @example
 * ```ts
 * if (err instanceof UnauthorizedError) console.log('anonymous request to a protected route')
 * ```
 */
export class UnauthorizedError extends AuthError {
  constructor(description = 'Authentication required') {
    super(401, undefined, description)
  }
}

/**
 * 400 `invalid_request`: a malformed request (bad header grammar, several token methods, a
 * token in a disabled method, an empty token).
 *
 * @example
 * ```ts
 * throw new InvalidRequestError('Bearer token is malformed')
 * ```
 */
export class InvalidRequestError extends AuthError {
  constructor(description: string) {
    super(400, 'invalid_request', description)
  }
}

/**
 * 401 `invalid_token`: the token is expired, revoked, malformed, badly signed, for another
 * audience or issuer, or otherwise invalid.
 *
 * @example
 * ```ts
 * throw new InvalidTokenError('Token has expired')
 * ```
 */
export class InvalidTokenError extends AuthError {
  constructor(description: string) {
    super(401, 'invalid_token', description)
  }
}

/**
 * 401 `invalid_dpop_proof` (RFC 9449 §7.1): the request's DPoP proof is missing, malformed,
 * badly signed, for another request (`htm`, `htu`), stale, replayed, or for another token
 * (`ath`) or key (`cnf.jkt`). Answered with a `DPoP` challenge.
 *
 * @example
 * ```ts
 * throw new InvalidDpopProofError('DPoP proof has been used before')
 * ```
 */
export class InvalidDpopProofError extends AuthError {
  constructor(description: string) {
    super(401, 'invalid_dpop_proof', description)
  }
}

/**
 * 401 `use_dpop_nonce` (RFC 9449 §9): the resource server requires a nonce it issued in the
 * proof; the response carries the current one in `DPoP-Nonce`, and the client retries with it.
 *
 * @example
 * ```ts
 * if (err instanceof UseDpopNonceError) retryWithNonce(err.headers['dpop-nonce'])
 * ```
 */
export class UseDpopNonceError extends AuthError {
  /** The nonce the client must put in its next proof. */
  readonly nonce: string

  constructor(nonce: string, description = 'Resource server requires nonce in DPoP proof') {
    super(401, 'use_dpop_nonce', description)
    this.nonce = nonce
  }
}

/**
 * 403 `insufficient_scope`: a valid token that lacks what the route requires — its scopes
 * (the challenge names them in `scope=`), or a role, a claim value or a predicate's approval
 * (no `scope=`: no scope would help; `requiredScopes` is then empty).
 *
 * @example
 * ```ts
 * if (err instanceof InsufficientScopeError) console.log('needs', err.requiredScopes)
 * ```
 */
export class InsufficientScopeError extends AuthError {
  /** The scopes the route requires (all of them, or any one when `mode` is `any`); `[]` for a role, claim or predicate requirement. */
  readonly requiredScopes: readonly string[]

  constructor(requiredScopes: readonly string[], description = 'Insufficient scope') {
    const params: Record<string, string> =
      requiredScopes.length > 0 ? { scope: requiredScopes.join(' ') } : {}
    super(403, 'insufficient_scope', description, params)
    this.requiredScopes = requiredScopes
  }
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 §3): a valid token whose user
 * authentication does not meet the route's step-up requirement (an `acr` not in `acrValues`,
 * or an `auth_time` older than `maxAge`). The challenge carries `acr_values` and/or `max_age`,
 * which the client passes to the authorization server to get a token that does.
 *
 * @example
 * ```ts
 * if (err instanceof InsufficientUserAuthenticationError) console.log(err.acrValues, err.maxAge)
 * ```
 */
export class InsufficientUserAuthenticationError extends AuthError {
  /** The acceptable `acr` values, when the requirement names any. */
  readonly acrValues: readonly string[] | undefined
  /** The greatest acceptable age of the authentication in seconds, when the requirement sets one. */
  readonly maxAge: number | undefined

  constructor(
    required: { acrValues?: readonly string[] | undefined; maxAge?: number | undefined },
    description = 'A stronger or more recent authentication is required',
  ) {
    const params: Record<string, string> = {}
    if (required.acrValues && required.acrValues.length > 0) {
      params.acr_values = required.acrValues.join(' ')
    }
    if (required.maxAge !== undefined) params.max_age = String(required.maxAge)
    super(401, 'insufficient_user_authentication', description, params)
    this.acrValues = required.acrValues
    this.maxAge = required.maxAge
  }
}

/**
 * 503: the authorization server, its discovery document, JWKS or introspection endpoint cannot
 * be reached or answered garbage. Never a 401: the token may well be valid. Carries
 * `Retry-After`.
 *
 * @example
 * ```ts
 * if (err instanceof AuthServerUnavailableError) metrics.increment('as_unavailable')
 * ```
 */
export class AuthServerUnavailableError extends AuthError {
  /** Seconds after which the client may retry. */
  readonly retryAfter: number

  constructor(description = 'The authorization server is unavailable', retryAfter = 5) {
    super(503, 'temporarily_unavailable', description)
    this.retryAfter = retryAfter
  }
}
