/**
 * Envoy `ext_authz` (HTTP service): the check request keeps the original method, its path is
 * the configured `path_prefix` followed by the original path and query, `Host` is the
 * original `:authority`, and the scheme comes in `X-Forwarded-Proto` (set by Envoy).
 */
import type { IncomingMessage } from 'node:http'
import {
  firstValue,
  originalRequest,
  requestHeaders,
  UNTRUSTED_HOP,
  type ContractProblem,
  type OriginalRequest,
} from './original-request.js'

/**
 * The original request of an Envoy `ext_authz` check (`prefix` is its `path_prefix`), or the
 * problem with it.
 *
 * @example
 * ```ts
 * const original = fromEnvoy(req, trusted(req), '/envoy') // GET /envoy/orders → GET /orders
 * ```
 */
export function fromEnvoy(
  req: IncomingMessage,
  trusted: boolean,
  prefix: string,
): OriginalRequest | ContractProblem {
  if (!trusted) return UNTRUSTED_HOP
  const h = req.headers
  const url = req.url ?? ''
  const uri = url.slice(prefix.length)
  return originalRequest({
    method: req.method,
    proto: firstValue(h['x-forwarded-proto']),
    host: h.host,
    uri: uri.startsWith('?') ? `/${uri}` : uri,
    headers: requestHeaders(req),
    names: {
      method: 'the method',
      proto: 'X-Forwarded-Proto',
      host: 'Host',
      uri: 'The path after the prefix',
    },
  })
}
