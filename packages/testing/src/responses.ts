/**
 * Small helpers that write HTTP responses.
 */
import type { ServerResponse } from 'node:http'

/**
 * Writes `body` as a JSON response (`Cache-Control: no-store`).
 *
 * @example
 * ```ts
 * sendJson(res, 200, { keys: [] })
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(text)
}

/**
 * Writes a text response with the given content type.
 *
 * @example
 * ```ts
 * sendText(res, 503, 'text/plain; charset=utf-8', 'down')
 * ```
 */
export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  })
  res.end(body)
}

/**
 * Writes the 404 JSON answer for any path the issuer does not serve.
 *
 * @example
 * ```ts
 * if (route === undefined) sendNotFound(res)
 * ```
 */
export function sendNotFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found', error_description: 'No such endpoint' })
}

/**
 * Writes an OAuth 2.0 error answer (RFC 6749 §5.2): `{ error, error_description }`, with
 * `WWW-Authenticate: Basic realm="test-issuer"` on a 401.
 *
 * @example
 * ```ts
 * sendOAuthError(res, 400, 'invalid_scope', 'Scope "admin" is not allowed for this client')
 * ```
 */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
): void {
  const headers: Record<string, string> = { pragma: 'no-cache' }
  if (status === 401) headers['www-authenticate'] = 'Basic realm="test-issuer"'
  sendJson(res, status, { error, error_description: description }, headers)
}
