/**
 * `POST /revoke`: token revocation (RFC 7009).
 */
import { authenticate, readOAuthForm, sendAuthFailure, type OAuthContext } from './oauth-request.js'
import { sendOAuthError } from './responses.js'
import type { RouteRequest } from './routes.js'

/**
 * Answers a revocation request: authenticates the client and revokes `token` (an opaque token,
 * or a JWT by its exact string). Answers 200 with an empty body, unknown tokens included
 * (RFC 7009 §2.2); `token_type_hint` is ignored, and any client may revoke any token.
 *
 * @example
 * ```ts
 * const route = { endpoint: 'revocation', paths: ['/revoke'], methods: ['POST'], handle: (request) => handleRevocationRequest(request, context) }
 * ```
 */
export async function handleRevocationRequest(
  request: RouteRequest,
  context: OAuthContext,
): Promise<void> {
  const { res } = request
  const form = await readOAuthForm(request)
  if (form === undefined) return
  const auth = await authenticate(request, form, context, context.urls.revocation)
  if (!auth.ok) return sendAuthFailure(res, auth)

  const token = form.get('token')
  if (token === null) return sendOAuthError(res, 400, 'invalid_request', 'Missing token')
  context.tokens.revoke(token)
  res.writeHead(200, { 'content-length': '0', 'cache-control': 'no-store' })
  res.end()
}
