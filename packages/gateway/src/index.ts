export {
  createGateway,
  type Gateway,
  type GatewayAddresses,
  type GatewayOptions,
  type GatewayConfigObject,
} from './gateway.js'
export { loadConfig, parseConfig, type CheckedConfig } from './config/load.js'
export { GatewayConfigError, type ConfigIssue } from './config/config-error.js'
export {
  configSchema,
  type GatewayConfig,
  type GatewayConfigInput,
  type IdentityConfig,
  type RuleConfig,
} from './config/schema.js'
export { compileRules, type Rule, type RuleAction, type Rules } from './rules/match.js'
export {
  decide,
  type AllowReason,
  type Decision,
  type DecideDeps,
  type DenyReason,
} from './decide.js'
export { IdentityHeaders } from './identity-headers.js'
export { fromNginx } from './contracts/nginx.js'
export { fromTraefik } from './contracts/traefik.js'
export { fromEnvoy } from './contracts/envoy.js'
export type { ContractProblem, OriginalRequest } from './contracts/original-request.js'
export { GatewayMetrics, type Contract } from './ops/metrics.js'
export { createLogger, REDACTED_PATHS } from './ops/logger.js'
export { readiness, type ReadinessReport } from './ops/health.js'
