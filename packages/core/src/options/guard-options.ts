/** The options of {@link createGuard}, as users write them. */
import type { JWK } from 'jose'
import type { AuthError } from '../errors/auth-error.js'
import type { BearerMethod } from '../extract/extract-token.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { AuthInfo } from '../identity/auth-info.js'
import type { RequestLike } from '../request-like.js'

/** Algorithms accepted when `algorithms` is not set (asymmetric only). */
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

/** HMAC algorithms, accepted only for an issuer configured with a `secret`. */
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
  /** The issuer identifier; a token's `iss` must equal it exactly. */
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
  /** Claim(s) scopes are read from, first present wins. Default `['scope', 'scp']`. */
  scopeClaim?: string | string[]
  /** RFC 6750 methods accepted. Default `['header']`. */
  bearerMethods?: BearerMethod[]
  /** No token → anonymous (`authenticate` resolves undefined). An invalid token is still rejected. */
  optional?: boolean
  /** `realm` of the `WWW-Authenticate` challenge. */
  realm?: string
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
  /** Milliseconds allowed for one call to the authorization server. Default 5000. */
  timeout?: number
  /** Bytes allowed in one response of the authorization server. Default 512 KiB. */
  maxResponseSize?: number
  /** Called after every successful authentication (for logs and metrics). Errors are ignored. */
  onAuthenticated?: (auth: AuthInfo, request: RequestLike) => void | Promise<void>
  /** Called after every rejection (for logs and metrics); the request's credentials are redacted. */
  onRejected?: (error: AuthError, request: RequestLike) => void | Promise<void>
}
