export { bearerAuth, type GuardOrOptions } from './bearer-auth.js'
export { requireScopes, requireAnyScope, requireStepUp } from './require-scopes.js'
export { Public, RequireAnyScope, RequireScopes, RequireStepUp } from './scope-decorators.js'
export { authErrorHandler } from './auth-error-handler.js'
export { toRequestLike } from './to-request-like.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
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
  assertScopesDeclared,
  createGuard,
  declaredScopes,
  getRequirements,
  listRequirements,
  toGuard,
  type AuthInfo,
  type Guard,
  type GuardOptions,
  type MetadataEndpointOptions,
  type ProtectedResourceMetadata,
  type StepUpRequirement,
  toMcpAuthInfo,
  type McpAuthInfo,
} from '@bearerguard/core'
