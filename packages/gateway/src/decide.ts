/**
 * The one decision every contract and the reverse proxy share: find the rule, authenticate
 * through the guard's pipeline (decided at once for a cached token, awaited otherwise), check
 * the rule's requirements, and say allow (with identity headers) or deny (with the answer the
 * guard rendered).
 */
import { AuthError, type AuthInfo, type Guard } from '@bearerguard/core'
import { checkRequest, renderError } from '@bearerguard/core/adapter'
import type { ContractProblem, OriginalRequest } from './contracts/original-request.js'
import type { IdentityHeaders } from './identity-headers.js'
import type { Rule, Rules } from './rules/match.js'

/**
 * Why a request was denied (a label of the decisions metric).
 *
 * @example
 * ```ts
 * if (!decision.allow && decision.reason === 'unavailable') alertOncall()
 * ```
 */
export type DenyReason =
  | 'no_rule'
  | 'deny_rule'
  | 'untrusted_hop'
  | 'bad_forwarded'
  | 'ambiguous_path'
  | 'ambiguous_request'
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'unavailable'
  | 'error'

/**
 * Why a request was allowed.
 *
 * @example
 * ```ts
 * if (decision.allow && decision.reason === 'public') assert(decision.auth === undefined)
 * ```
 */
export type AllowReason = 'public' | 'authenticated' | 'scopes'

/**
 * The outcome of one request.
 *
 * @example
 * ```ts
 * const decision = await decide(deps, original)
 * if (decision.allow) proxy(req, decision.headers)
 * else res.writeHead(decision.status, decision.headers).end(JSON.stringify(decision.body))
 * ```
 */
export type Decision =
  | {
      allow: true
      reason: AllowReason
      rule: Rule
      auth: AuthInfo | undefined
      /** Identity headers for the upstream. */
      headers: Record<string, string>
      /** Headers for the client's answer (`guard.responseHeaders`: `cache-control`, `dpop-nonce`). */
      responseHeaders: Record<string, string>
    }
  | {
      allow: false
      reason: DenyReason
      rule: Rule | undefined
      status: number
      /** `www-authenticate`, `retry-after` when there are. */
      headers: Record<string, string>
      body: { error: string; error_description?: string }
    }

/**
 * What {@link decide} needs.
 *
 * @example
 * ```ts
 * const deps: DecideDeps = { guard, rules, identity, onCache: (hit) => metrics.cache(hit) }
 * ```
 */
export interface DecideDeps {
  guard: Guard
  rules: Rules
  identity: IdentityHeaders
  /** Called once per token checked: true when the guard's caches answered synchronously. */
  onCache?: (hit: boolean) => void
  /** Called with anything unexpected (never an AuthError: a bug), before it becomes a 500. */
  onUnexpected?: (error: unknown) => void
}

const NO_RULE_DESCRIPTION = 'No rule allows this request'
const DENY_RULE_DESCRIPTION = 'This request is denied'

/**
 * Decides on one original request. Synchronous when no token has to be verified (public
 * rules, cached tokens, malformed requests), a promise otherwise. Never rejects.
 *
 * @example
 * ```ts
 * const decision = await decide(deps, fromTraefik(req, true) as OriginalRequest)
 * ```
 */
export function decide(deps: DecideDeps, original: OriginalRequest): Decision | Promise<Decision> {
  const { request } = original
  const rule = deps.rules.match(request.method, original.host, original.path)
  if (!rule) return forbidden('no_rule', undefined, NO_RULE_DESCRIPTION)
  const { action } = rule
  if (action.kind === 'deny') return forbidden('deny_rule', rule, DENY_RULE_DESCRIPTION)
  if (action.kind === 'public') {
    return {
      allow: true,
      reason: 'public',
      rule,
      auth: undefined,
      headers: {},
      responseHeaders: {},
    }
  }
  let waited = false
  const finish = (auth: AuthInfo | undefined): Decision => {
    if (auth && !waited) deps.onCache?.(true)
    try {
      // always: an `authenticated` rule with no requirement still refuses an anonymous caller
      // (an `optional` guard lets requests without a token through authenticate)
      deps.guard.authorize(auth, action.requirements, request)
    } catch (error) {
      return denied(deps, rule, error)
    }
    return {
      allow: true,
      reason: action.kind,
      rule,
      auth,
      headers: deps.identity.headersFor(auth),
      responseHeaders: auth ? deps.guard.responseHeaders(auth) : {},
    }
  }
  const outcome = checkRequest(deps.guard, request, finish, (error) => denied(deps, rule, error))
  if (outcome instanceof Promise) {
    waited = true
    deps.onCache?.(false)
  }
  return outcome
}

/**
 * The decision for a request the contract could not read.
 *
 * @example
 * ```ts
 * const decision = problemDecision({ status: 403, reason: 'untrusted_hop', description: '…' })
 * ```
 */
export function problemDecision(problem: ContractProblem): Decision {
  return {
    allow: false,
    reason: problem.reason,
    rule: undefined,
    status: problem.status,
    headers: {},
    body: {
      error: problem.status === 400 ? 'invalid_request' : 'access_denied',
      error_description: problem.description,
    },
  }
}

function forbidden(reason: DenyReason, rule: Rule | undefined, description: string): Decision {
  return {
    allow: false,
    reason,
    rule,
    status: 403,
    headers: {},
    body: { error: 'access_denied', error_description: description },
  }
}

/**
 * A denial: the `allow: false` side of a {@link Decision}.
 *
 * @example
 * ```ts
 * const denial: Denial = errorDecision(new InvalidTokenError('Token has expired'))
 * ```
 */
export type Denial = Extract<Decision, { allow: false }>

/**
 * The denial for an error: an `AuthError` as core's `renderError` renders it (a 503 is
 * `unavailable`, anything else is named by its code), and anything else — a bug — a 500
 * `{ "error": "server_error" }`. Logging the bug is the caller's part.
 *
 * @example
 * ```ts
 * errorDecision(new AuthServerUnavailableError('Please retry', 1)) // 503, Retry-After: 1
 * errorDecision(new TypeError('oops')) // 500 { error: 'server_error' }
 * ```
 */
export function errorDecision(error: unknown, rule: Rule | undefined = undefined): Denial {
  if (!(error instanceof AuthError)) {
    // a bug, not the authorization server: never a 503 that invites a retry
    return {
      allow: false,
      reason: 'error',
      rule,
      status: 500,
      headers: {},
      body: { error: 'server_error' },
    }
  }
  const { status, headers, body } = renderError(error)
  const reason: DenyReason =
    status === 503 ? 'unavailable' : ((error.code ?? 'unauthorized') as DenyReason)
  return { allow: false, reason, rule, status, headers: { ...headers }, body }
}

function denied(deps: DecideDeps, rule: Rule, error: unknown): Decision {
  if (!(error instanceof AuthError)) deps.onUnexpected?.(error)
  return errorDecision(error, rule)
}
