/**
 * nginx `auth_request`: a subrequest without body to the decision endpoint, carrying the
 * client's headers and the original method and URI in `X-Original-Method` / `X-Original-URI`
 * (`$request_method`, `$request_uri`), the scheme and host in `X-Forwarded-Proto` /
 * `X-Forwarded-Host` (or `Host`).
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
 * The original request of an nginx `auth_request` subrequest, or the problem with it.
 *
 * @example
 * ```ts
 * const original = fromNginx(req, trusted(req))
 * ```
 */
export function fromNginx(
  req: IncomingMessage,
  trusted: boolean,
): OriginalRequest | ContractProblem {
  if (!trusted) return UNTRUSTED_HOP
  const h = req.headers
  return originalRequest({
    method: firstValue(h['x-original-method']),
    proto: firstValue(h['x-forwarded-proto']),
    host: firstValue(h['x-forwarded-host']) ?? h.host,
    uri: firstValue(h['x-original-uri']),
    headers: requestHeaders(req),
    names: {
      method: 'X-Original-Method',
      proto: 'X-Forwarded-Proto',
      host: 'X-Forwarded-Host',
      uri: 'X-Original-URI',
    },
  })
}
