export * from '@bearerguard/core'
export type { BearerAuthEnv } from './auth-variables.js'
export { bearerAuth } from './bearer-auth.js'
export {
  requireScopes,
  requireAnyScope,
  requireStepUp,
  requireRoles,
  requireAnyRole,
  requireClaims,
} from './require-scopes.js'
export {
  AuthException,
  authErrorHandler,
  authErrorOf,
  authErrorResponse,
} from './auth-exception.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
export { toRequestLike } from './to-request-like.js'
