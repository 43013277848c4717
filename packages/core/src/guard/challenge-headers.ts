/** Fills an {@link AuthError}'s response headers from the guard's settings. */
import type { AuthError } from '../errors/auth-error.js'
import { AuthServerUnavailableError, UseDpopNonceError } from '../errors/auth-error.js'
import { formatChallenge } from '../errors/challenge.js'

export interface ChallengeSettings {
  realm: string | undefined
  errorDescriptions: boolean
  /** DPoP (RFC 9449): whether it is accepted, and the proof algorithms advertised in `algs`. */
  dpop: { mode: 'allowed' | 'required' | 'disabled'; algorithms: readonly string[] }
}

/** The scheme a request authenticated with (or tried to), which picks the challenge. */
export type RequestScheme = 'Bearer' | 'DPoP' | undefined

/** Used when no realm is configured and a challenge would otherwise carry no parameter. */
const FALLBACK_REALM = 'api'

/**
 * Sets `WWW-Authenticate` (400, 401, 403) or `Retry-After` (503) on `error`, and hides the
 * description when `errorDescriptions` is off. Returns the same error.
 *
 * The challenge answers in the scheme the request used: `DPoP` for a DPoP request (with the
 * accepted `algs`, RFC 9449 §7.1), `Bearer` otherwise (RFC 6750 §3) — or `DPoP` only when DPoP
 * is required. While DPoP is merely allowed, a 401 to a Bearer or anonymous request also
 * advertises it with a second challenge, `DPoP algs="…"`. A `use_dpop_nonce` error carries the
 * nonce in `DPoP-Nonce`.
 *
 * @example
 * ```ts
 * throw withChallenge(new InvalidTokenError('Token has expired'), settings, 'Bearer')
 * ```
 */
export function withChallenge<E extends AuthError>(
  error: E,
  settings: ChallengeSettings,
  scheme: RequestScheme = undefined,
): E {
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

  const { mode, algorithms } = settings.dpop
  const algs: [string, string] = ['algs', algorithms.join(' ')]
  let challenge: string
  if (mode === 'required' || (mode === 'allowed' && scheme === 'DPoP')) {
    challenge = formatChallenge('DPoP', [...params, algs])
  } else {
    if (params.every(([, value]) => value === undefined)) params[0] = ['realm', FALLBACK_REALM]
    challenge = formatChallenge('Bearer', params)
    if (mode === 'allowed' && error.status === 401) {
      challenge += `, ${formatChallenge('DPoP', [algs])}`
    }
  }
  error.headers = { 'www-authenticate': challenge }
  if (error instanceof UseDpopNonceError) error.headers['dpop-nonce'] = error.nonce
  return error
}
