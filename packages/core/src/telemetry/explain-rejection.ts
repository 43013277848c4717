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
    parts.push(`${printable(method, 20)} ${printable(url, MAX_VALUE)} →`)
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
  return printable(text, MAX_VALUE)
}

/**
 * Characters that could forge or hide a log line (controls, line and paragraph separators,
 * bidirectional overrides) escaped as `\uXXXX`, cut at `max` characters (never inside a
 * surrogate pair).
 */
function printable(text: string, max: number): string {
  const escaped = text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  const chars = Array.from(escaped)
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : escaped
}
