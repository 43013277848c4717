/**
 * `POST /token`: the client credentials grant (RFC 6749 §4.4), with resource indicators
 * (RFC 8707) choosing between a JWT access token and an opaque one.
 */
import { scopeTokens } from './clients.js'
import { issueToken } from './issue-token.js'
import { authenticate, readOAuthForm, sendAuthFailure, type OAuthContext } from './oauth-request.js'
import { sendJson, sendOAuthError } from './responses.js'
import type { RouteRequest } from './routes.js'

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; description: string }

/**
 * The scope granted for a request: the requested scopes when the client may have them all, the
 * client's allowed scopes when none are requested (no scope for a client allowed any).
 */
function grantedScope(
  requested: string | null,
  allowed: string | undefined,
): Outcome<string | undefined> {
  const wanted = requested === null ? [] : scopeTokens(requested)
  if (wanted.length === 0) {
    const all = allowed === undefined ? [] : scopeTokens(allowed)
    return { ok: true, value: all.length === 0 ? undefined : all.join(' ') }
  }
  const malformed = wanted.find((token) => !SCOPE_TOKEN.test(token))
  if (malformed !== undefined) {
    return { ok: false, error: 'invalid_scope', description: `Malformed scope "${malformed}"` }
  }
  if (allowed !== undefined) {
    const permitted = new Set(scopeTokens(allowed))
    const refused = wanted.filter((token) => !permitted.has(token))
    if (refused.length > 0) {
      return {
        ok: false,
        error: 'invalid_scope',
        description: `Scope not allowed for this client: ${refused.join(' ')}`,
      }
    }
  }
  return { ok: true, value: wanted.join(' ') }
}

/** The `aud` of a token for the requested resources (RFC 8707 §2): absolute URIs, no fragment. */
function resourceAudience(resources: string[]): Outcome<string | string[] | undefined> {
  for (const resource of resources) {
    if (!URL.canParse(resource) || resource.includes('#')) {
      return {
        ok: false,
        error: 'invalid_target',
        description: `resource must be an absolute URI without a fragment: "${resource}"`,
      }
    }
  }
  const unique = [...new Set(resources)]
  return { ok: true, value: unique.length <= 1 ? unique[0] : unique }
}

/**
 * Answers a token request: authenticates the client, checks `grant_type=client_credentials`,
 * the scope and the resources, then issues a JWT (with `resource`) or an opaque token.
 *
 * @example
 * ```ts
 * const route = { endpoint: 'token', paths: ['/token'], methods: ['POST'], handle: (request) => handleTokenRequest(request, context) }
 * ```
 */
export async function handleTokenRequest(
  request: RouteRequest,
  context: OAuthContext,
): Promise<void> {
  const { res } = request
  const form = await readOAuthForm(request, ['resource'])
  if (form === undefined) return
  const auth = await authenticate(request, form, context, context.urls.token)
  if (!auth.ok) return sendAuthFailure(res, auth)

  const grantType = form.get('grant_type')
  if (grantType === null) return sendOAuthError(res, 400, 'invalid_request', 'Missing grant_type')
  if (grantType !== 'client_credentials') {
    return sendOAuthError(res, 400, 'unsupported_grant_type', 'Only client_credentials is served')
  }
  const scope = grantedScope(form.get('scope'), auth.client.scope)
  if (!scope.ok) return sendOAuthError(res, 400, scope.error, scope.description)
  const audience = resourceAudience(form.getAll('resource'))
  if (!audience.ok) return sendOAuthError(res, 400, audience.error, audience.description)

  const clientId = auth.client.clientId
  const claims = { sub: clientId, client_id: clientId, scope: scope.value }
  const accessToken =
    audience.value === undefined
      ? context.tokens.issueOpaque(claims)
      : await issueToken(context.tokenContext, { ...claims, aud: audience.value })
  const answer: Record<string, unknown> = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: context.tokenContext.tokenTtl,
  }
  if (scope.value !== undefined) answer.scope = scope.value
  sendJson(res, 200, answer, { pragma: 'no-cache' })
}
