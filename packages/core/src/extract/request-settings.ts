/** What a request may carry, as the options resolved it. */
import type { BearerMethod } from './extract-token.js'

/**
 * Where tokens are accepted (RFC 6750 §2), whether a request without one passes as anonymous,
 * and the longest token looked at.
 *
 * @example
 * ```ts
 * const request: RequestSettings = { bearerMethods: ['header'], optional: false, maxTokenLength: 16_384 }
 * ```
 */
export interface RequestSettings {
  bearerMethods: readonly BearerMethod[]
  optional: boolean
  maxTokenLength: number
}
