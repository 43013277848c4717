import './request-auth.js'

// core whole; its decorator readers are replaced by the ones below, which read NestJS metadata
export * from '@bearerguard/core'
export { BearerguardModule, type BearerguardModuleAsyncOptions } from './bearerguard-module.js'
export {
  resolveModuleOptions,
  type BearerguardModuleOptions,
  type BearerguardSettings,
  type BearerguardState,
  type MetadataEndpointSettings,
} from './module-options.js'
export { BearerguardGuard } from './bearerguard-guard.js'
export { AuthErrorFilter } from './auth-error-filter.js'
export { BearerguardLifecycle } from './bearerguard-lifecycle.js'
export { graphqlAuthError, type GraphqlAuthErrorExtensions } from './graphql-auth-error.js'
export {
  Public,
  RequireAnyRole,
  RequireAnyScope,
  RequireClaims,
  RequireRoles,
  RequireScopes,
  RequireStepUp,
  requirementDecorator,
  type RequirementDecorator,
} from './requirement-decorators.js'
export { Auth } from './auth-decorator.js'
export {
  assertScopesDeclared,
  declaredHandlers,
  declaredScopes,
  getRequirements,
  listRequirements,
  type DeclaredHandler,
} from './declared-handlers.js'
export { BEARERGUARD_GUARD, BEARERGUARD_STATE } from './tokens.js'
