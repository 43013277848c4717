/**
 * The one render function: an {@link AuthError} and the rejecting guard's settings in, the
 * answer out — status, headers (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`) and the
 * RFC 6750 JSON body. Every adapter and the gateway send what this returns.
 */
import {
  attachRendering,
  AuthServerUnavailableError,
  defaultBody,
  UseDpopNonceError,
  type AuthError,
  type Rendering,
} from './auth-error.js'
import { formatChallenge } from './challenge.js'

/**
 * What of a guard's settings shapes its challenges.
 *
 * @example
 * ```ts
 * const settings: ChallengeSettings = { realm: 'api', errorDescriptions: true, dpop: { mode: 'allowed', algorithms: ['ES256'] } }
 * ```
 */
export interface ChallengeSettings {
  realm: string | undefined
  errorDescriptions: boolean
  /** DPoP (RFC 9449): whether it is accepted, and the proof algorithms advertised in `algs`. */
  dpop: { mode: 'allowed' | 'required' | 'disabled'; algorithms: readonly string[] }
  /** RFC 9728: the metadata document's URL goes into every challenge as `resource_metadata`. */
  resourceMetadataUrl?: string | undefined
}

/**
 * The scheme a request authenticated with (or tried to), which picks the challenge.
 *
 * @example
 * ```ts
 * const scheme: RequestScheme = found?.scheme // 'Bearer', 'DPoP' or undefined (no token)
 * ```
 */
export type RequestScheme = 'Bearer' | 'DPoP' | undefined

/** Used when no realm is configured and a challenge would otherwise carry no parameter. */
const FALLBACK_REALM = 'api'

/** The settings of an error no guard rendered: `Bearer realm="api"`, descriptions shown. */
const DEFAULTS: ChallengeSettings = {
  realm: undefined,
  errorDescriptions: true,
  dpop: { mode: 'disabled', algorithms: [] },
}

/**
 * Renders `error`: its own rendering when a guard gave it one (with any headers assigned to
 * `error.headers` since), else one made with `settings`
 * (default: `Bearer realm="api"`, descriptions shown) for a request that used `scheme`.
 *
 * The challenge answers in the scheme the request used: `DPoP` for a DPoP request (with the
 * accepted `algs`, RFC 9449 §7.1), `Bearer` otherwise (RFC 6750 §3) — or `DPoP` only when DPoP
 * is required. While DPoP is merely allowed, a 401 to a Bearer or anonymous request also
 * advertises it with a second challenge, `DPoP algs="…"`. A 503 carries `Retry-After` and no
 * challenge; `use_dpop_nonce` carries the nonce in `DPoP-Nonce`.
 *
 * @example
 * ```ts
 * const { status, headers, body } = renderError(new InvalidTokenError('Token has expired'))
 * // 401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="Token has expired"' }
 * ```
 */
export function renderError(
  error: AuthError,
  settings: ChallengeSettings = DEFAULTS,
  scheme: RequestScheme = undefined,
): Rendering {
  const own = error.rendering
  // headers middleware added on the error's way (e.g. CORS) go with it
  if (own) return own.headers === error.headers ? own : { ...own, headers: error.headers }
  const body = settings.errorDescriptions ? defaultBody(error) : { error: defaultBody(error).error }
  if (error instanceof AuthServerUnavailableError) {
    const headers = { 'retry-after': String(error.retryAfter), ...error.headers }
    return { status: error.status, headers, body }
  }
  const params: Array<[string, string | undefined]> = [['realm', settings.realm]]
  if (error.code) {
    params.push(['error', error.code])
    if (settings.errorDescriptions) params.push(['error_description', error.description])
  }
  for (const [name, value] of Object.entries(error.challengeParams)) params.push([name, value])
  if (settings.resourceMetadataUrl) params.push(['resource_metadata', settings.resourceMetadataUrl])

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
  const headers: Record<string, string> = { 'www-authenticate': challenge }
  if (error instanceof UseDpopNonceError) headers['dpop-nonce'] = error.nonce
  return { status: error.status, headers: { ...headers, ...error.headers }, body }
}

/**
 * Renders `error` (see {@link renderError}) and gives it that rendering for good; returns the
 * same error, ready to throw. An error rendered before keeps its rendering.
 *
 * @example
 * ```ts
 * throw rendered(new InsufficientScopeError(['admin']), settings, 'Bearer')
 * ```
 */
export function rendered<E extends AuthError>(
  error: E,
  settings?: ChallengeSettings,
  scheme?: RequestScheme,
): E {
  return error.rendering ? error : attachRendering(error, renderError(error, settings, scheme))
}
