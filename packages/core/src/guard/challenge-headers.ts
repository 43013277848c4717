/** Fills an {@link AuthError}'s response headers from the guard's settings. */
import type { AuthError } from '../errors/auth-error.js'
import { AuthServerUnavailableError } from '../errors/auth-error.js'
import { formatChallenge } from '../errors/challenge.js'

export interface ChallengeSettings {
  realm: string | undefined
  errorDescriptions: boolean
  /** RFC 9728: the metadata document's URL goes into every challenge as `resource_metadata`. */
  resourceMetadata?: { url: string } | undefined
}

/** Used when no realm is configured and a challenge would otherwise carry no parameter. */
const FALLBACK_REALM = 'api'

/**
 * Sets `WWW-Authenticate` (400, 401, 403) or `Retry-After` (503) on `error`, and hides the
 * description when `errorDescriptions` is off. Returns the same error.
 *
 * @example
 * ```ts
 * throw withChallenge(new InvalidTokenError('Token has expired'), { realm: 'api', errorDescriptions: true })
 * ```
 */
export function withChallenge<E extends AuthError>(error: E, settings: ChallengeSettings): E {
  if (!settings.errorDescriptions) error.hideDescription()
  if (error instanceof AuthServerUnavailableError) {
    error.headers = { 'retry-after': String(error.retryAfter) }
    return error
  }
  const params: Array<[string, string | undefined]> = [['realm', settings.realm]]
  if (error.code) {
    params.push(['error', error.code])
    if (settings.errorDescriptions) params.push(['error_description', error.description])
  }
  for (const [name, value] of Object.entries(error.challengeParams)) params.push([name, value])
  if (settings.resourceMetadata) params.push(['resource_metadata', settings.resourceMetadata.url])
  if (params.every(([, value]) => value === undefined)) params[0] = ['realm', FALLBACK_REALM]
  error.headers = { 'www-authenticate': formatChallenge('Bearer', params) }
  return error
}
