/**
 * The parts of a `RequestLike` every Node-based adapter builds the same way from Node's
 * `IncomingMessage`: the headers with every credential kept apart, and the TLS client
 * certificate, read only if a certificate-bound token asks for it. Types only: nothing of
 * `node:*` is imported, so this runs wherever core does.
 */
import {
  peerCertificate,
  withRepeatedCredentials,
  type RequestLike,
} from '../request/request-like.js'

/**
 * What of Node's `IncomingMessage` a `RequestLike` is built from.
 *
 * @example
 * ```ts
 * const incoming: NodeIncoming = req // an http.IncomingMessage (Express's req, Koa's ctx.req)
 * ```
 */
export interface NodeIncoming {
  headers: RequestLike['headers']
  rawHeaders: readonly string[]
  socket: unknown
}

/**
 * A `RequestLike` for a Node request: `url` is the absolute URL the adapter worked out (its
 * scheme and host as the framework trusts them), `body` the parsed form body when there is one.
 *
 * @example
 * ```ts
 * const request = nodeRequestLike(req, req.method, `${req.protocol}://${req.host}${req.originalUrl}`, req.body)
 * ```
 */
export function nodeRequestLike(
  incoming: NodeIncoming,
  method: string,
  url: string,
  body: unknown,
): RequestLike {
  return {
    method,
    url,
    headers: withRepeatedCredentials(incoming.headers, incoming.rawHeaders),
    body,
    clientCertificate: () => peerCertificate(incoming.socket),
  }
}
