/**
 * A copy of a request with every credential removed, for hooks: the `Authorization`,
 * `DPoP`, `Cookie` and `Proxy-Authorization` headers, `access_token` in the query string and
 * in the body. Hooks receive the token only as `auth.token`.
 */
import type { RequestLike } from '../request/request-like.js'

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'dpop', 'cookie'])
const REDACTED = '[redacted]'

/**
 * @example
 * ```ts
 * redactRequest({ method: 'GET', url: '/x?access_token=abc', headers: { authorization: 'Bearer abc' } })
 * // → { method: 'GET', url: '/x?access_token=%5Bredacted%5D', headers: { authorization: '[redacted]' } }
 * ```
 */
export function redactRequest(request: RequestLike): RequestLike {
  const headers: Record<string, string | string[] | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADERS.has(name) && value !== undefined ? REDACTED : value
  }
  const redacted: RequestLike = { method: request.method, url: redactUrl(request.url), headers }
  if (request.body !== undefined) redacted.body = redactBody(request.body)
  return redacted
}

function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q === -1 || !url.includes('access_token', q)) return url
  const hash = url.indexOf('#', q)
  const end = hash === -1 ? url.length : hash
  const params = new URLSearchParams(url.slice(q + 1, end))
  if (!params.has('access_token')) return url
  params.set('access_token', REDACTED)
  return `${url.slice(0, q)}?${params.toString()}${url.slice(end)}`
}

function redactBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('access_token' in body)) return body
  return { ...(body as Record<string, unknown>), access_token: REDACTED }
}
