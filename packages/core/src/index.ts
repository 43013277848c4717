export { createGuard, isGuard, toGuard, type Guard } from './guard/create-guard.js'
export type {
  DPoPOptions,
  GuardOptions,
  IntrospectionAuthMethod,
  IntrospectionOptions,
  IssuerConfig,
  MtlsOptions,
} from './options/guard-options.js'
export {
  DEFAULT_ALGORITHMS,
  DEFAULT_DPOP_ALGORITHMS,
  HMAC_ALGORITHMS,
} from './options/guard-options.js'
export { MemoryReplayStore, type ReplayStore } from './dpop/replay-store.js'
export { DpopNonces, type DpopNonceOptions } from './dpop/dpop-nonces.js'
export { GuardOptionError } from './options/option-error.js'
export { peerCertificate, withRepeatedCredentials, type RequestLike } from './request-like.js'
export { canonicalPath, type CanonicalPath } from './paths/canonical-path.js'
export type { AuthInfo } from './identity/auth-info.js'
export {
  AuthError,
  AuthServerUnavailableError,
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  UnauthorizedError,
  UseDpopNonceError,
  type AuthErrorCode,
} from './errors/auth-error.js'
export { formatChallenge, sanitizeParam } from './errors/challenge.js'
export { extractToken, type BearerMethod, type ExtractedToken } from './extract/extract-token.js'
export {
  checkScopes,
  checkScopeTokens,
  SCOPE_TOKEN,
  scopeRequirement,
  type ScopeRequirement,
} from './scopes/scope-requirement.js'
export { scopesOf } from './scopes/scopes-of.js'
export type { FetchLike } from './http/fetch-json.js'
export {
  MemoryCacheStore,
  type CacheStore,
  type IntrospectionCacheEntry,
} from './introspection/cache-store.js'
export {
  createScopeDecorators,
  type HandlerWrapper,
  type ScopeDecorator,
  type ScopeDecorators,
} from './decorators/create-scope-decorators.js'
export type { HandlerRequirement } from './decorators/effective-requirement.js'
export {
  assertScopesDeclared,
  declaredScopes,
  getRequirements,
  listRequirements,
} from './decorators/get-requirements.js'
export { InsufficientUserAuthenticationError } from './errors/auth-error.js'
export {
  checkStepUp,
  isStepUpRequirement,
  stepUpRequirement,
  type RouteRequirement,
  type StepUpRequirement,
} from './stepup/step-up-requirement.js'
export type { ProtectedResourceMetadata } from './metadata/resource-metadata.js'
export type { ResourceMetadataOptions } from './metadata/resolve-resource-metadata.js'
export { defaultMetadataUrl, metadataPaths, WELL_KNOWN_PATH } from './metadata/metadata-url.js'
export {
  createMetadataEndpoint,
  type MetadataEndpoint,
  type MetadataEndpointOptions,
  type MetadataResponse,
} from './metadata/metadata-endpoint.js'
export { toMcpAuthInfo, type McpAuthInfo } from './identity/mcp-auth-info.js'
export type { AnyClass } from './decorators/requirement-records.js'
