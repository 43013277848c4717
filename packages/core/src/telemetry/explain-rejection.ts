/**
 * The development explainer's line for one rejection: the request, the answer, the check that
 * failed and the values it compared (errors/explanation.ts), the route requirement for a 403.
 * The request's credentials are redacted; explanations never hold a token, only claim and
 * header values and the guard's settings — which is why the explainer is for development
 * (`debug`, refused under `NODE_ENV=production` unless forced).
 */
import type { AuthError } from '../errors/auth-error.js'
import { explanationOf } from '../errors/explanation.js'
import { redactRequest } from '../hooks/redact-request.js'
import type { RequestLike } from '../request/request-like.js'
import type { RouteRequirement } from '../requirements/route-requirement.js'
import { requirementSummary } from './requirement-kind.js'

const MAX_VALUE = 300

/**
 * One line explaining why `error` refused `request`.
 *
 * @example
 * ```ts
 * explainRejection(error, request)
 * // bearerguard debug: GET /orders → 401 invalid_token "Token audience is not accepted" — audience: expected ["https://api"], token has ["https://other"]
 * ```
 */
export function explainRejection(
  error: AuthError,
  request: RequestLike | undefined,
  requirement?: RouteRequirement,
): string {
  const parts = ['bearerguard debug:']
  if (request) {
    const { method, url } = redactRequest(request)
    parts.push(`${method} ${url} →`)
  }
  parts.push(`${error.status} ${error.code ?? 'unauthorized'} "${error.description}"`)
  const why = explanationOf(error)
  if (why) {
    const compared = [`— ${why.check}:`]
    if ('expected' in why) compared.push(`expected ${shown(why.expected)},`)
    if ('actual' in why) compared.push(`token has ${shown(why.actual)}`)
    if (why.note) compared.push(`(${why.note})`)
    parts.push(compared.join(' ').replace(/,$/, ''))
  } else if (error.code === undefined && error.status === 401) {
    parts.push('— no access token in the request')
  }
  if (requirement !== undefined)
    parts.push(`— the route requires ${requirementSummary(requirement)}`)
  return parts.join(' ')
}

function shown(value: unknown): string {
  let text: string
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text
}
