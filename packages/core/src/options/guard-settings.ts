/**
 * The guard's options resolved once, at construction, into one group of settings per concept
 * — each group of the type its concept's modules take as their own, so no module reads the
 * options themselves.
 */
import type { ClaimPath } from '../claims/claim-path.js'
import type { DpopSettings } from '../dpop/dpop-settings.js'
import type { ChallengeSettings } from '../errors/render-error.js'
import type { RequestSettings } from '../extract/request-settings.js'
import type { FetchJsonOptions } from '../http/fetch-json.js'
import type { CacheStore } from '../introspection/cache-store.js'
import type { IntrospectionSettings, TokenFormat } from '../introspection/introspection-settings.js'
import type { IssuerSettings } from '../jwt/issuer-settings.js'
import type { JwtPolicy } from '../jwt/verify-jwt.js'
import type { KeyCacheSettings } from '../keys/key-spec.js'
import type { ResolvedResourceMetadata } from '../metadata/resource-metadata.js'
import type { TelemetrySettings } from '../telemetry/telemetry.js'
import type { GuardOptions } from './guard-options.js'

/**
 * Every setting of a guard, by concept.
 *
 * @example
 * ```ts
 * const settings: GuardSettings = resolveOptions({ issuer: 'https://as.example.com', audience: 'api' })
 * settings.keys.cooldownMs // 3000
 * ```
 */
export interface GuardSettings {
  /** The trusted issuers, by exact `iss`. */
  issuers: ReadonlyMap<string, IssuerSettings>
  /** Where tokens are accepted, anonymous requests, the longest token. */
  request: RequestSettings
  /** How JWTs are judged (`typ`, leeway, `maxTokenAge`, required claims). */
  jwt: JwtPolicy
  /** Verified-token cache bounds; undefined with `jwtCache: false`. */
  jwtCache: { max: number; ttl: number } | undefined
  /** Which tokens are JWTs and which are introspected. */
  tokenFormat: TokenFormat
  /** Claims scopes are read from (names or paths; the first present wins). */
  scopeClaims: readonly ClaimPath[]
  /** Claims roles are read from (names or paths; united). */
  roleClaims: readonly ClaimPath[]
  /** How remote key sets are kept. */
  keys: KeyCacheSettings
  /** Every call to an authorization server: fetch, timeout, size cap. */
  http: FetchJsonOptions
  introspection: IntrospectionSettings | undefined
  dpop: DpopSettings
  /** RFC 8705: a trusted header carrying the client certificate (lower-cased), or undefined. */
  certificateHeader: string | undefined
  /** What the rendered challenges carry. */
  challenge: ChallengeSettings
  /** RFC 9728; undefined when `resourceMetadata` is not set. */
  resourceMetadata: ResolvedResourceMetadata | undefined
  hooks: Pick<GuardOptions, 'onAuthenticated' | 'onRejected'>
  telemetry: TelemetrySettings
  /** The development explainer, when on. */
  debug: { log: (line: string) => void } | undefined
  /** `isRevoked`, and the store revoked JWTs are recorded in (undefined: this process only). */
  revocation: { isRevoked: GuardOptions['isRevoked']; store: CacheStore | undefined }
}
