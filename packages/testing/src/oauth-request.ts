/**
 * What the token, introspection and revocation endpoints share: the issuer state they read,
 * reading the form body, and authenticating the client.
 */
import type { ServerResponse } from 'node:http'
import { authenticateClient, type ClientAuthResult } from './client-auth.js'
import type { ClientRegistry } from './clients.js'
import { readForm } from './form-body.js'
import type { IntrospectionContext } from './introspection-answer.js'
import type { IntrospectionLog } from './introspection-log.js'
import type { TokenContext } from './issue-token.js'
import type { IssuerUrls } from './metadata.js'
import { sendOAuthError } from './responses.js'
import type { RouteRequest } from './routes.js'

/**
 * The issuer state the OAuth endpoints read and change.
 *
 * @example
 * ```ts
 * const context: OAuthContext = { urls, clients, tokens, keys, issuer: urls.issuer, tokenContext, introspectionLog }
 * ```
 */
export interface OAuthContext extends IntrospectionContext {
  readonly urls: IssuerUrls
  readonly clients: ClientRegistry
  readonly tokenContext: TokenContext
  readonly introspectionLog: IntrospectionLog
}

/**
 * Reads the form body of an OAuth endpoint request. Answers the request itself, and resolves
 * `undefined`, when the body is not a form (400), too large (413), or repeats a parameter other
 * than those in `repeatable` (400, RFC 6749 §3.2).
 *
 * @example
 * ```ts
 * const form = await readOAuthForm(request, ['resource'])
 * if (form === undefined) return
 * ```
 */
export async function readOAuthForm(
  { req, res }: RouteRequest,
  repeatable: readonly string[] = [],
): Promise<URLSearchParams | undefined> {
  const body = await readForm(req)
  if (body.kind === 'closed') return undefined
  if (body.kind === 'error') {
    sendOAuthError(res, body.status, 'invalid_request', body.description)
    return undefined
  }
  const seen = new Set<string>()
  for (const name of body.form.keys()) {
    if (seen.has(name) && !repeatable.includes(name)) {
      sendOAuthError(res, 400, 'invalid_request', `Parameter "${name}" is repeated`)
      return undefined
    }
    seen.add(name)
  }
  return body.form
}

/**
 * Authenticates the client of a request to `endpointUrl`. Assertions may name that URL, the
 * issuer or the token endpoint as their audience.
 *
 * @example
 * ```ts
 * const auth = await authenticate(request, form, context, context.urls.revocation)
 * if (!auth.ok) return sendAuthFailure(request.res, auth)
 * ```
 */
export function authenticate(
  { req }: RouteRequest,
  form: URLSearchParams,
  context: OAuthContext,
  endpointUrl: string,
): Promise<ClientAuthResult> {
  const { urls } = context
  return authenticateClient({
    headers: req.headers,
    form,
    clients: context.clients,
    audiences: [...new Set([endpointUrl, urls.issuer, urls.token])],
  })
}

/**
 * Answers a failed client authentication (401 `invalid_client`, or 400 `invalid_request`).
 *
 * @example
 * ```ts
 * if (!auth.ok) return sendAuthFailure(res, auth)
 * ```
 */
export function sendAuthFailure(
  res: ServerResponse,
  failure: Extract<ClientAuthResult, { ok: false }>,
): void {
  sendOAuthError(res, failure.status, failure.error, failure.description)
}
