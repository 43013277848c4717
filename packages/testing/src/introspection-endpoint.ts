/**
 * `POST /introspect`: token introspection (RFC 7662), with signed answers on request (RFC 9701).
 */
import type { ClientAuthResult } from './client-auth.js'
import {
  introspectionAnswer,
  signIntrospectionAnswer,
  SIGNED_INTROSPECTION_TYPE,
  wantsSignedAnswer,
} from './introspection-answer.js'
import { formRecord, type IntrospectionRequest } from './introspection-log.js'
import { authenticate, readOAuthForm, sendAuthFailure, type OAuthContext } from './oauth-request.js'
import { sendJson, sendOAuthError, sendText } from './responses.js'
import type { RouteRequest } from './routes.js'

function logEntry(
  request: RouteRequest,
  form: URLSearchParams,
  auth: ClientAuthResult,
): IntrospectionRequest {
  const entry: IntrospectionRequest = {
    headers: { ...request.req.headers },
    params: formRecord(form),
  }
  if (auth.ok) {
    entry.clientId = auth.client.clientId
    entry.authMethod = auth.method
  }
  return entry
}

/**
 * Answers an introspection request: records it (once its form body is read), authenticates the
 * client, and answers the token's introspection claims as JSON, or as an RFC 9701 JWT when the
 * `Accept` header asks for `application/token-introspection+jwt`.
 *
 * @example
 * ```ts
 * const route = { endpoint: 'introspection', paths: ['/introspect'], methods: ['POST'], handle: (request) => handleIntrospectionRequest(request, context) }
 * ```
 */
export async function handleIntrospectionRequest(
  request: RouteRequest,
  context: OAuthContext,
): Promise<void> {
  const { req, res } = request
  const form = await readOAuthForm(request)
  if (form === undefined) return
  const auth = await authenticate(request, form, context, context.urls.introspection)
  context.introspectionLog.record(logEntry(request, form, auth))
  if (!auth.ok) return sendAuthFailure(res, auth)

  const token = form.get('token')
  if (token === null) return sendOAuthError(res, 400, 'invalid_request', 'Missing token')
  const answer = await introspectionAnswer(token, context)
  if (!wantsSignedAnswer(req.headers.accept)) {
    sendJson(res, 200, answer)
    return
  }
  const jwt = await signIntrospectionAnswer(answer, auth.client.clientId, context)
  sendText(res, 200, SIGNED_INTROSPECTION_TYPE, jwt, { 'cache-control': 'no-store' })
}
