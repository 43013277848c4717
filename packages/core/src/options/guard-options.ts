/** The options of {@link createGuard}, as users write them. */
import type { KeyObject } from 'node:crypto'
import type { CryptoKey, JWK } from 'jose'
import type { CacheStore } from '../introspection/cache-store.js'
import type { AuthError } from '../errors/auth-error.js'
import type { BearerMethod } from '../extract/extract-token.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RequestLike } from '../request/request-like.js'
import type { ResourceMetadataOptions } from './resolve-resource-metadata.js'
import type { ReplayStore } from '../dpop/replay-store.js'
import type { JwksStore } from '../keys/jwks-store.js'
import type { RouteRequirement } from '../requirements/route-requirement.js'
import type { GuardObserver } from '../telemetry/guard-observer.js'
import type {
  MeterProviderLike,
  OpenTelemetryApi,
  TracerProviderLike,
} from '../telemetry/otel-api.js'

/**
 * Algorithms accepted when `algorithms` is not set (asymmetric only).
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, algorithms: DEFAULT_ALGORITHMS.filter((alg) => alg !== 'RS256') })
 * ```
 */
export const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const

/**
 * DPoP proof algorithms accepted when `dpop.algorithms` is not set (asymmetric only).
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, dpop: { algorithms: DEFAULT_DPOP_ALGORITHMS.filter((alg) => alg.startsWith('ES')) } })
 * ```
 */
export const DEFAULT_DPOP_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
] as const

/**
 * DPoP (RFC 9449): sender-constrained tokens proven by a signed proof on every request.
 *
 * @example
 * ```ts
 * createGuard({
 *   issuer, audience,
 *   dpop: { mode: 'required', nonce: { secret: process.env.DPOP_NONCE_SECRET! }, replayStore: new RedisReplayStore({ url }) },
 * })
 * ```
 */
export interface DPoPOptions {
  /**
   * `allowed` (default): `Authorization: DPoP` is accepted alongside Bearer, and DPoP-bound
   * tokens must come with a proof; `required`: only DPoP; `disabled`: the DPoP scheme is not
   * recognised (like any other scheme), yet a DPoP-bound token sent as Bearer is still refused.
   */
  mode?: 'allowed' | 'required' | 'disabled'
  /** Proof algorithms accepted and advertised in `algs`. Default: every asymmetric JWS algorithm. */
  algorithms?: string[]
  /** Seconds a proof is accepted after its `iat` (the guard's `clockTolerance` is added). Default 60. */
  maxAge?: number
  /** Where proof `jti`s are remembered to refuse replays. Default: in-process (`MemoryReplayStore`, 100,000 entries). */
  replayStore?: ReplayStore
  /**
   * Server nonces (RFC 9449 §9): proofs must carry a `nonce` this server issued (a 401
   * `use_dpop_nonce` hands out the current one in `DPoP-Nonce`). Stateless: every instance given
   * the same `secret` (≥ 32 bytes; a list rotates secrets, the first signs) agrees. `true` uses
   * a random secret (one instance only). `lifetime`: seconds per nonce, default 300 (a nonce is
   * accepted for one to two lifetimes).
   */
  nonce?: boolean | { secret: string | Uint8Array | Array<string | Uint8Array>; lifetime?: number }
}

/**
 * Certificate-bound tokens (RFC 8705). A token whose `cnf` carries `x5t#S256` is only accepted
 * from a client presenting that certificate: over TLS to this server (the adapters read it from
 * the socket), or — only when `certificateHeader` is set, because only a trusted proxy may set
 * it — from that header (RFC 9440 `Client-Cert`: the DER certificate as `:base64:`).
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, mtls: { certificateHeader: 'client-cert' } })
 * ```
 */
export interface MtlsOptions {
  /** A header set by your TLS-terminating proxy with the client certificate (RFC 9440). Off by default. */
  certificateHeader?: string
}

/**
 * HMAC algorithms, accepted only for an issuer configured with a `secret`.
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, secret: process.env.JWT_SECRET, algorithms: [...HMAC_ALGORITHMS] })
 * ```
 */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

/**
 * One trusted authorization server with settings of its own. Fields left out fall back to the
 * guard-level option of the same name.
 *
 * @example
 * ```ts
 * createGuard({
 *   issuer: [
 *     'https://login.example.com',
 *     { issuer: 'https://partner.example.net', jwksUri: 'https://partner.example.net/keys', algorithms: ['ES256'] },
 *   ],
 *   audience: 'https://api.example.com',
 * })
 * ```
 */
export interface IssuerConfig {
  /**
   * The issuer identifier; a token's `iss` must equal it exactly — or, with `{tenantid}` in it,
   * equal it with an allowed tenant id in that segment (see `tenants`).
   */
  issuer: string
  /** JWKS location; skips discovery for this issuer. */
  jwksUri?: string
  /** Audience(s) accepted for this issuer's tokens, instead of the guard's. */
  audience?: string | string[]
  /** Algorithm allow-list for this issuer's tokens. */
  algorithms?: string[]
  /** Static public keys for this issuer; no network. */
  keys?: JWK[] | { keys: JWK[] }
  /** Shared HMAC secret for this issuer; the only way HS* algorithms are accepted. */
  secret?: string | Uint8Array
  /**
   * With `{tenantid}` in `issuer` (one path segment, e.g.
   * `https://login.microsoftonline.com/{tenantid}/v2.0`): the tenants accepted, as a list of
   * ids or a predicate. A token's tenant segment must also equal its `tid` claim. Without it
   * every tenant is accepted, which needs a fixed `jwksUri` (or `keys`): discovery runs per
   * tenant, only for tenants you allow.
   */
  tenants?: string[] | ((tenantId: string) => boolean)
}

/**
 * How the resource server authenticates to the introspection endpoint.
 *
 * @example
 * ```ts
 * const authMethod: IntrospectionAuthMethod = 'client_secret_basic'
 * ```
 */
export type IntrospectionAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/**
 * RFC 7662 token introspection for opaque tokens.
 *
 * @example
 * ```ts
 * createGuard({
 *   issuer: 'https://as.example.com',
 *   audience: 'https://api.example.com',
 *   introspection: { clientId: 'orders-api', clientSecret: process.env.INTROSPECTION_SECRET, cache: { ttl: 60 } },
 * })
 * ```
 */
export interface IntrospectionOptions {
  /** The introspection endpoint; default: `introspection_endpoint` from the issuer's discovery document. */
  endpoint?: string
  /** Which configured issuer the endpoint belongs to; required only with several issuers. */
  issuer?: string
  /** This resource server's client id at the authorization server. */
  clientId: string
  /** Its secret, for `client_secret_basic` and `client_secret_post`. */
  clientSecret?: string
  /** Default `client_secret_basic`, or `private_key_jwt` when `privateKey` is given. */
  authMethod?: IntrospectionAuthMethod
  /** The private key signing `private_key_jwt` client assertions (RFC 7523). */
  privateKey?: JWK | CryptoKey | KeyObject
  /** Its algorithm; default the JWK's `alg`, else RS256. */
  privateKeyAlg?: string
  /** `kid` header of the client assertions; default the JWK's `kid`. */
  privateKeyId?: string
  /** Ask for signed responses (RFC 9701) and verify them with the issuer's keys. Default false. */
  signedResponses?: boolean
  /** Reject active tokens whose response has no `aud`. Default false (a present `aud` must always match). */
  requireAudience?: boolean
  /** Milliseconds allowed for one introspection call. Default 3000. */
  timeout?: number
  /** The cache of introspection results. */
  cache?: {
    /** Seconds an active result is reused (never past the token's `exp`). Default 60; 0 turns caching off. */
    ttl?: number
    /** Seconds an inactive result is reused. Default 5. */
    negativeTtl?: number
    /** Entries held by the default in-memory store. Default 10000. */
    max?: number
    /** A shared store (e.g. `@bearerguard/redis`) instead of the in-memory one. */
    store?: CacheStore
  }
}

/**
 * Everything {@link createGuard} accepts. Only `issuer` and `audience` are required.
 *
 * @example
 * ```ts
 * const options: GuardOptions = {
 *   issuer: 'https://as.example.com',
 *   audience: 'https://api.example.com',
 *   clockTolerance: 10,
 * }
 * ```
 */
export interface GuardOptions {
  /** Trusted authorization server(s). A token's `iss` must equal one exactly. */
  issuer: string | IssuerConfig | (string | IssuerConfig)[]
  /** This resource's identifier(s); at least one must be in the token's `aud`. */
  audience: string | string[]
  /** JWKS location; skips discovery. Only with a single issuer (else set it per issuer). */
  jwksUri?: string
  /** Static public keys; no network. Only with a single issuer (else set them per issuer). */
  keys?: JWK[] | { keys: JWK[] }
  /** Shared HMAC secret; the only way HS* algorithms are accepted. */
  secret?: string | Uint8Array
  /** Algorithm allow-list. `none` is never accepted. Default: every asymmetric JWS algorithm. */
  algorithms?: string[]
  /** `strict`: only `at+jwt` tokens with the RFC 9068 claims; `lenient` (default): also `JWT` or no `typ`. */
  typ?: 'strict' | 'lenient'
  /** Seconds of leeway for `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number
  /** Seconds; tokens whose `iat` is older are rejected. */
  maxTokenAge?: number
  /** Claims that must be present. Default `['exp']`. */
  requiredClaims?: string[]
  /**
   * Claim(s) scopes are read from, first present wins: names (taken literally) or paths into
   * nested objects (`['realm_access', 'scopes']`). Default `['scope', 'scp']`.
   */
  scopeClaim?: string | Array<string | string[]>
  /**
   * Claims roles are read from, all of them united (`AuthInfo.roles`): each a top-level name
   * taken literally (`'https://example.com/roles'` is one name) or a path of names into nested
   * objects (`['realm_access', 'roles']`, `['resource_access', 'orders-api', 'roles']`). A
   * space-delimited string or an array of strings; any other shape is ignored. Default `['roles']`.
   */
  roleClaims?: Array<string | string[]>
  /** RFC 6750 methods accepted. Default `['header']`. */
  bearerMethods?: BearerMethod[]
  /** No token → anonymous (`authenticate` resolves undefined). An invalid token is still rejected. */
  optional?: boolean
  /** `realm` of the `WWW-Authenticate` challenge. */
  realm?: string
  /** This resource's identifier (RFC 9728): the URL clients use for it. Default: the first `audience`. */
  resource?: string
  /**
   * Enables RFC 9728 protected resource metadata: `true`, the document's URL, or settings.
   * The URL (default `<origin of resource>/.well-known/oauth-protected-resource<path of resource>`)
   * goes into every challenge as `resource_metadata`; serve the document with the adapter's
   * `protectedResourceMetadata()`, or read it from `guard.metadata()`.
   */
  resourceMetadata?: true | string | ResourceMetadataOptions
  /** Include `error_description` in challenges and bodies. Default true. */
  errorDescriptions?: boolean
  /** The `fetch` used for discovery and JWKS (proxies, retries, tests). Default: global fetch. */
  fetch?: FetchLike
  /** Tokens longer than this many characters are rejected before parsing. Default 16384. */
  maxTokenLength?: number
  /** Seconds between two unknown-`kid` refetches of one JWKS. Default 3. */
  jwksCooldown?: number
  /** Seconds a fetched JWKS is used before it is refreshed in the background. Default 600. */
  jwksCacheMaxAge?: number
  /** Seconds known keys keep verifying while the JWKS endpoint is down. Default 3600. */
  jwksStaleWindow?: number
  /**
   * Where fetched JWKS documents are kept for other processes — on Cloudflare Workers, for the
   * isolates that come after this one (Workers KV, the Cache API). Asked before a key set is
   * first loaded or refreshed: a document younger than `jwksCacheMaxAge` is used without a fetch
   * (checked as a fetched one is), an older one only while a refetch fails (up to
   * `jwksStaleWindow`). An unknown `kid` is always fetched. A store that fails or takes over
   * 250 ms is a miss. Default: none (each process fetches for itself).
   */
  jwksStore?: JwksStore
  /** Milliseconds allowed for one call to the authorization server. Default 5000. */
  timeout?: number
  /** Bytes allowed in one response of the authorization server. Default 512 KiB. */
  maxResponseSize?: number
  /**
   * The verified-token cache: a token seen before is not verified again while its entry lives
   * (never past its `exp`, `maxTokenAge` or `ttl`; time claims are still checked on every
   * request; dropped when the issuer's keys change). `false` turns it off.
   * Default `{ max: 10000, ttl: 300 }`.
   */
  jwtCache?: false | { max?: number; ttl?: number }
  /** RFC 7662 introspection for opaque tokens. */
  introspection?: IntrospectionOptions
  /** `auto` (default with introspection): JWS-shaped tokens verified locally, others introspected; `jwt` or `opaque` force one path. */
  tokenFormat?: 'jwt' | 'opaque' | 'auto'
  /** DPoP (RFC 9449): `'allowed'` (default), `'required'`, `'disabled'`, or {@link DPoPOptions}. */
  dpop?: 'allowed' | 'required' | 'disabled' | DPoPOptions
  /** Certificate-bound tokens (RFC 8705): where a client certificate may come from besides TLS. */
  mtls?: MtlsOptions
  /**
   * Revocation check of your own (a deny list, a session store): `true` refuses the token (401
   * `invalid_token`, "The token has been revoked"). Called for every accepted token — after
   * verification and on verified-token cache hits, JWTs and introspected tokens alike
   * (`auth.format`) — before `onAuthenticated`. Sync or async. A hook that throws or rejects is
   * a 503 (never a pass); an answer other than `true` or `false` is a `TypeError` (a 500).
   */
  isRevoked?: (auth: AuthInfo) => boolean | Promise<boolean>
  /**
   * Where `guard.revoke(jwt)` records revoked JWTs (by `iss` and `jti`, until they expire).
   * Default: this process's memory. A shared store (`@bearerguard/redis`, often the same one as
   * `introspection.cache.store`) denies them on every instance; a token verified afresh is then
   * looked up in it, and is a 503 while it cannot be read.
   */
  revocationStore?: CacheStore
  /** Called after every successful authentication (for logs and metrics). Errors are ignored. */
  onAuthenticated?: (auth: AuthInfo, request: RequestLike) => void | Promise<void>
  /**
   * Called after every rejection (for logs and metrics); the request's credentials are
   * redacted. Refusals of `guard.authorize()` (403 for a scope, role, claim or predicate, 401
   * for step-up or an anonymous caller) come with `details.stage === 'authorize'` and the
   * requirement that failed — from every adapter; a direct call reports them when given the
   * request (`guard.authorize(auth, requirement, request)`).
   */
  onRejected?: (
    error: AuthError,
    request: RequestLike,
    details: RejectionDetails,
  ) => void | Promise<void>
  /**
   * OpenTelemetry traces and metrics (see docs/production.md). By default they are on when
   * `@opentelemetry/api` is installed (an optional peer dependency, imported once, lazily) and
   * go to the global tracer and meter providers; `false` turns them off. `api` hands the module
   * over where it cannot be imported lazily (a bundle; only Node is tested with it); `tracerProvider` and
   * `meterProvider` replace the global ones; `observer` receives the same events as plain
   * calls (e.g. for a Prometheus registry).
   */
  telemetry?: false | TelemetryOptions
  /**
   * The development explainer: every rejection logged with the check that failed and the
   * values it compared (expected audience and the token's, clock skew, the kids in the JWKS, …),
   * the token redacted. Refused when `NODE_ENV=production` unless `{ force: true }`. `log`
   * defaults to `console.warn`.
   */
  debug?: boolean | DebugOptions
}

/**
 * Where a guard's spans and metrics go (`telemetry` option).
 *
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api'
 * createGuard({ issuer, audience, telemetry: { api, meterProvider } })
 * ```
 */
export interface TelemetryOptions {
  /** The `@opentelemetry/api` module; default: imported lazily when installed. */
  api?: OpenTelemetryApi
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProviderLike
  /** Default: the global meter provider (followed if it is set after the guard is made). */
  meterProvider?: MeterProviderLike
  /** Receives every authentication, authorization, call and circuit change as an event. */
  observer?: GuardObserver
  /** `false`: the observer only, no OpenTelemetry even when the API is installed. Default `true`. */
  openTelemetry?: boolean
}

/**
 * The explainer's settings (`debug` option).
 *
 * @example
 * ```ts
 * createGuard({ issuer, audience, debug: { log: (line) => logger.debug(line) } })
 * ```
 */
export interface DebugOptions {
  /** Explain rejections even when `NODE_ENV=production` (they include claim values). */
  force?: boolean
  /** Where each explanation goes; default `console.warn`. */
  log?: (line: string) => void
}

/**
 * What `onRejected` learns besides the error.
 *
 * @example
 * ```ts
 * onRejected: (error, request, { stage, requirement }) => log.info({ stage, code: error.code })
 * ```
 */
export interface RejectionDetails {
  /** `authenticate`: the token was refused; `authorize`: a route requirement was not met. */
  readonly stage: 'authenticate' | 'authorize'
  /** For `authorize`: the requirement that failed (none when the caller had no token). */
  readonly requirement?: RouteRequirement
}
