/**
 * What an adapter needs: request mapping, the value-or-promise call, the guard of a request and
 * its requirement checks, rendering, decorators and the RFC 9728 endpoint.
 *
 * @module @bearerguard/core/adapter
 */
export { checkRequest } from './check-request.js'
export { guardOf, refusal, rememberGuard } from './request-guard.js'
export { nodeRequestLike, type NodeIncoming } from './node-request.js'
export {
  renderError,
  rendered,
  type ChallengeSettings,
  type RequestScheme,
} from '../errors/render-error.js'
export type { Rendering } from '../errors/auth-error.js'
export { isGuard, toGuard } from '../guard/create-guard.js'
export { peerCertificate, withRepeatedCredentials } from '../request/request-like.js'
export { canonicalPath, type CanonicalPath } from '../paths/canonical-path.js'
export {
  checkScopeTokens,
  SCOPE_TOKEN,
  scopeRequirement,
  type ScopeRequirement,
} from '../scopes/scope-requirement.js'
export { isStepUpRequirement, stepUpRequirement } from '../stepup/step-up-requirement.js'
export { roleRequirement } from '../requirements/role-requirement.js'
export { claimRequirement, claimsOrPredicate } from '../requirements/claim-requirement.js'
export { isRouteRequirement } from '../requirements/route-requirement.js'
export {
  createScopeDecorators,
  type HandlerWrapper,
  type ScopeDecorator,
  type ScopeDecorators,
} from '../decorators/create-scope-decorators.js'
export type { HandlerRequirement } from '../decorators/effective-requirement.js'
export type { HandlerCall } from '../decorators/handler-call.js'
export {
  createMetadataEndpoint,
  type MetadataEndpoint,
  type MetadataEndpointOptions,
  type MetadataResponse,
} from './metadata-endpoint.js'
export {
  createRequirementMiddlewares,
  type RequirementMiddlewares,
} from './requirement-middlewares.js'
export {
  CircuitTable,
  CIRCUIT_REPORT_MAX,
  CIRCUIT_REPORT_MS,
  type ReportedCircuit,
} from '../telemetry/circuit-table.js'
