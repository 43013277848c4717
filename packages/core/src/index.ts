/**
 * What applications use: `createGuard`, the options, `AuthInfo`, the errors, decorator metadata.
 *
 * @module @bearerguard/core
 */
export { createGuard, toGuard, type Guard, type GuardOrOptions } from './guard/create-guard.js'
export type {
  DebugOptions,
  DPoPOptions,
  GuardOptions,
  IntrospectionAuthMethod,
  IntrospectionOptions,
  IssuerConfig,
  MtlsOptions,
  RejectionDetails,
  TelemetryOptions,
} from './options/guard-options.js'
export type {
  AuthenticationEvent,
  AuthenticationOutcome,
  AuthorizationEvent,
  GuardObserver,
  UpstreamEvent,
} from './telemetry/guard-observer.js'
export type {
  MeterProviderLike,
  OpenTelemetryApi,
  TracerProviderLike,
} from './telemetry/otel-api.js'
export {
  DEFAULT_ALGORITHMS,
  DEFAULT_DPOP_ALGORITHMS,
  HMAC_ALGORITHMS,
} from './options/guard-options.js'
export { MemoryReplayStore, type ReplayStore } from './dpop/replay-store.js'
export { DpopNonces, type DpopNonceOptions } from './dpop/dpop-nonces.js'
export { GuardOptionError } from './options/option-error.js'
export type { RequestLike } from './request/request-like.js'
export type { AuthInfo } from './identity/auth-info.js'
export {
  AuthError,
  AuthServerUnavailableError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  UnauthorizedError,
  UseDpopNonceError,
  type AuthErrorCode,
  type Rendering,
} from './errors/auth-error.js'
export type { BearerMethod } from './extract/extract-token.js'
export type {
  FetchLike,
  UpstreamFailure,
  UpstreamPurpose,
  UpstreamResult,
} from './http/fetch-json.js'
export {
  MemoryCacheStore,
  type CacheStore,
  type IntrospectionCacheEntry,
} from './introspection/cache-store.js'
export type { JwksStore, JwksStoreEntry } from './keys/jwks-store.js'
export {
  assertScopesDeclared,
  declaredScopes,
  getRequirements,
  listRequirements,
} from './decorators/get-requirements.js'
export type { ScopeRequirement } from './scopes/scope-requirement.js'
export type { StepUpRequirement } from './stepup/step-up-requirement.js'
export type { PredicateRequirement, RouteRequirement } from './requirements/route-requirement.js'
export type { RoleRequirement } from './requirements/role-requirement.js'
export type {
  ClaimRequirement,
  ClaimsOrPredicate,
  ClaimValue,
} from './requirements/claim-requirement.js'
export type { ProtectedResourceMetadata } from './metadata/resource-metadata.js'
export type { ResourceMetadataOptions } from './options/resolve-resource-metadata.js'
export type { MetadataEndpointOptions } from './adapter/metadata-endpoint.js'
export { toMcpAuthInfo, type McpAuthInfo } from './identity/mcp-auth-info.js'
export type { AnyClass } from './decorators/requirement-records.js'
