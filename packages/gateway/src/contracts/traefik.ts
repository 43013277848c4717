/**
 * Traefik `forwardAuth`: a GET to the decision endpoint with the client's headers and the
 * original request in `X-Forwarded-Method`, `X-Forwarded-Proto`, `X-Forwarded-Host` and
 * `X-Forwarded-Uri`.
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
 * The original request of a Traefik `forwardAuth` request, or the problem with it.
 *
 * @example
 * ```ts
 * const original = fromTraefik(req, trusted(req))
 * ```
 */
export function fromTraefik(
  req: IncomingMessage,
  trusted: boolean,
): OriginalRequest | ContractProblem {
  if (!trusted) return UNTRUSTED_HOP
  const h = req.headers
  return originalRequest({
    method: firstValue(h['x-forwarded-method']),
    proto: firstValue(h['x-forwarded-proto']),
    host: firstValue(h['x-forwarded-host']),
    uri: firstValue(h['x-forwarded-uri']),
    headers: requestHeaders(req),
    names: {
      method: 'X-Forwarded-Method',
      proto: 'X-Forwarded-Proto',
      host: 'X-Forwarded-Host',
      uri: 'X-Forwarded-Uri',
    },
  })
}
