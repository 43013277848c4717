/** Maps a Hono context to core's framework-neutral `RequestLike`. */
import type { RequestLike } from '@bearerguard/core'
import { peerCertificate, withRepeatedCredentials } from '@bearerguard/core/adapter'
import type { Context } from 'hono'

/** What `@hono/node-server` puts in `c.env` (its `HttpBindings`): the Node request. */
export interface NodeIncoming {
  /** The request target as sent. */
  url?: string
  rawHeaders: readonly string[]
  socket: unknown
}

class HonoRequestLike implements RequestLike {
  readonly method: string
  readonly url: string
  readonly headers: RequestLike['headers']
  readonly body: unknown
  readonly #incoming: NodeIncoming | undefined

  constructor(request: Request, body: unknown, incoming: NodeIncoming | undefined) {
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    this.method = request.method
    this.url = request.url
    this.headers = incoming ? withRepeatedCredentials(headers, incoming.rawHeaders) : headers
    this.body = body
    this.#incoming = incoming
  }

  clientCertificate(): Uint8Array | undefined {
    return peerCertificate(this.#incoming?.socket)
  }
}

/**
 * The request as the runtime hands it to Hono (`c.req.raw`): its method, its absolute URL
 * (what a DPoP proof's `htu` is compared with, so put the public URL there behind a proxy)
 * and its headers. `body` is the parsed form body, when there is one (RFC 6750 §2.2 tokens).
 *
 * On Node (`@hono/node-server`, whose `c.env.incoming` is the Node request) two more things are
 * read from the connection: every `Authorization` and `DPoP` header sent, kept apart so two of
 * them are refused (a Web `Headers` object joins them with ", "), and the TLS client
 * certificate, for certificate-bound tokens (RFC 8705). Elsewhere, a certificate reaches the
 * guard only through its `mtls.certificateHeader` option, from a proxy you trust.
 *
 * @example
 * ```ts
 * app.use('/api/*', async (c, next) => {
 *   const auth = await guard.authenticate(toRequestLike(c))
 *   await next()
 * })
 * ```
 */
export function toRequestLike(c: Context, body?: unknown): RequestLike {
  return new HonoRequestLike(c.req.raw, body, nodeIncoming(c.env))
}

/** The Node request `@hono/node-server` passes as `c.env.incoming`, if this is one. */
export function nodeIncoming(env: unknown): NodeIncoming | undefined {
  const incoming = (env as { incoming?: Partial<NodeIncoming> } | undefined)?.incoming
  return incoming && Array.isArray(incoming.rawHeaders) ? (incoming as NodeIncoming) : undefined
}
