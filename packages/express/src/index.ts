import './request-auth.js'

export * from '@bearerguard/core'
export { bearerAuth } from './bearer-auth.js'
export {
  requireScopes,
  requireAnyScope,
  requireStepUp,
  requireRoles,
  requireAnyRole,
  requireClaims,
} from './require-scopes.js'
export { authErrorHandler } from './auth-error-handler.js'
export {
  Public,
  RequireAnyRole,
  RequireAnyScope,
  RequireClaims,
  RequireRoles,
  RequireScopes,
  RequireStepUp,
} from './scope-decorators.js'
export { toRequestLike } from './to-request-like.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
export { withMcpAuth } from './mcp-auth.js'
