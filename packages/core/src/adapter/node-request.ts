/**
 * The `RequestLike` every Node-based adapter builds the same way from Node's `IncomingMessage`:
 * the headers with every credential kept apart; the request target as sent, from which the
 * query is read; the absolute URL built only when something needs it (DPoP's `htu`, a hook),
 * from the adapter's own idea of scheme and host; the TLS client certificate read only if a
 * certificate-bound token asks for it. One object per request, no closures. Types only: nothing
 * of `node:*` is imported, so this runs wherever core does.
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

class NodeRequest<C> implements RequestLike {
  readonly method: string
  readonly headers: RequestLike['headers']
  readonly target: string
  readonly body: unknown
  #url: string | undefined
  readonly #incoming: NodeIncoming
  readonly #context: C
  readonly #origin: (context: C) => string

  constructor(
    incoming: NodeIncoming,
    context: C,
    method: string,
    target: string,
    origin: (context: C) => string,
    body: unknown,
  ) {
    this.method = method
    this.headers = withRepeatedCredentials(incoming.headers, incoming.rawHeaders)
    this.target = target
    this.body = body
    this.#incoming = incoming
    this.#context = context
    this.#origin = origin
  }

  get url(): string {
    this.#url ??= this.#origin(this.#context) + this.target
    return this.#url
  }

  clientCertificate(): Uint8Array | undefined {
    return peerCertificate(this.#incoming.socket)
  }
}

/**
 * A `RequestLike` for a Node request: `target` is the request target as sent (path and
 * query), `origin(context)` gives scheme and host as the framework trusts them (called at most
 * once, and only when the absolute URL is needed), `body` the parsed form body when there is one.
 * `context` is handed to `origin` (the framework's request object), so `origin` can be a
 * function defined once, not a closure per request.
 *
 * @example
 * ```ts
 * const origin = (req: Request) => `${req.protocol}://${req.host}`
 * const request = nodeRequestLike(req, req, req.method, req.originalUrl, origin, req.body)
 * ```
 */
export function nodeRequestLike<C>(
  incoming: NodeIncoming,
  context: C,
  method: string,
  target: string,
  origin: (context: C) => string,
  body: unknown,
): RequestLike {
  return new NodeRequest(incoming, context, method, target, origin, body)
}
