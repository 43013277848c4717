import { bearerguard } from './plugin.js'

export * from '@bearerguard/core'
export { bearerguard, type BearerguardPluginOptions } from './plugin.js'
export { authErrorHandler } from './answer-rejection.js'
export {
  protectedResourceMetadata,
  type MetadataPluginOptions,
} from './protected-resource-metadata.js'
export type { RouteAuthConfig } from './route-requirement.js'
export { toRequestLike } from './to-request-like.js'
export default bearerguard
