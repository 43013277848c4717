/** `requireStepUp()`: a per-route requirement on the user's authentication (RFC 9470). */
import { stepUpRequirement, type StepUpRequirement } from '@bearerguard/core'
import type { RequestHandler } from 'express'
import { authorizeRequest } from './authorize-request.js'

/**
 * Requires the token's `acr` to be one of `acrValues` and/or its `auth_time` to be at most
 * `maxAge` seconds ago. Falling short answers 401 `insufficient_user_authentication` with
 * `acr_values` and/or `max_age` in the challenge (through `next(err)`); an anonymous request
 * gets 401. Throws at start-up for an empty or invalid requirement.
 *
 * @example
 * ```ts
 * app.post('/api/payments', requireScopes('payments:write'), requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 }), pay)
 * ```
 */
export function requireStepUp(requirement: StepUpRequirement): RequestHandler {
  const checked = stepUpRequirement(requirement, 'requireStepUp')
  return (req, _res, next) => {
    next(authorizeRequest(req, checked, 'requireStepUp()'))
  }
}
