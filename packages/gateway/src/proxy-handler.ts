/**
 * The reverse proxy's handler: serves the RFC 9728 metadata document (when the guard has
 * `resourceMetadata`), reads a form body for the guard (RFC 6750 §2.2), decides, and forwards
 * an allowed request to the upstream with the identity headers — or relays its upgrade
 * (WebSocket). A denial, on a response or on an upgrade's socket, is sent by `sendDenial`.
 */
import { canonicalPath, type MetadataEndpoint } from '@bearerguard/core/adapter'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import type { GatewayConfig } from './config/schema.js'
import { isProblem } from './contracts/original-request.js'
import { decide, problemDecision, type DecideDeps } from './decide.js'
import type { RecordDecision } from './ops/decision-recorder.js'
import {
  FormBodyTooLargeError,
  hasFormBody,
  readFormBody,
  type FormBody,
} from './proxy/form-body.js'
import { proxiedRequest, requestTarget, type Forward } from './proxy/proxied-request.js'
import { ReverseProxy } from './proxy/reverse-proxy.js'
import { sendDenial } from './send-denial.js'

/**
 * What the proxy handler needs.
 *
 * @example
 * ```ts
 * const options: ProxyHandlerOptions = { proxy: config.proxy, deps, metadata: undefined, trusted, record, logger }
 * ```
 */
export interface ProxyHandlerOptions {
  /** The `proxy` section of the configuration: upstream, timeout, form body limit. */
  proxy: NonNullable<GatewayConfig['proxy']>
  deps: DecideDeps
  /** The RFC 9728 document's endpoint, when the guard has `resourceMetadata`. */
  metadata: MetadataEndpoint | undefined
  /** Whether a request's peer is a trusted proxy. */
  trusted: (req: IncomingMessage) => boolean
  record: RecordDecision
  logger: Logger
}

/**
 * The reverse proxy's request and upgrade handlers, in front of one upstream.
 *
 * @example
 * ```ts
 * const proxy = new ProxyHandler(options)
 * const server = createServer(lifecycle.listener((req, res) => proxy.handle(req, res)))
 * server.on('upgrade', lifecycle.upgradeListener((req, socket, head) => proxy.upgrade(req, socket, head)))
 * ```
 */
export class ProxyHandler {
  readonly #options: ProxyHandlerOptions
  readonly #reverse: ReverseProxy

  constructor(options: ProxyHandlerOptions) {
    this.#options = options
    const { proxy, deps } = options
    this.#reverse = new ReverseProxy({
      upstream: proxy.upstream,
      timeout: proxy.timeout,
      stripAuthorization: proxy.stripAuthorization,
      isIdentityHeader: (name) => deps.identity.isIdentityHeader(name),
    })
  }

  /** Answers one request: the metadata document, a denial, or the upstream's answer. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { deps, trusted, record, logger } = this.#options
    const target = requestTarget(req.url ?? '/')
    const metadataPath = target && canonicalPath(target.uri.split('?')[0] as string)
    const metadata =
      metadataPath?.ok && this.#options.metadata?.respond(req.method ?? 'GET', metadataPath.path)
    if (metadata) {
      res.writeHead(metadata.status, metadata.headers).end(metadata.body)
      return
    }
    const started = process.hrtime.bigint()
    let form: FormBody | undefined
    if (hasFormBody(req)) {
      try {
        form = await readFormBody(req, this.#options.proxy.maxFormBody)
      } catch (error) {
        if (!res.headersSent && !res.destroyed) sendDenial(res, formBodyRefusal(error))
        return
      }
    }
    const { original, forward } = proxiedRequest(req, trusted(req), form)
    const outcome = isProblem(original) ? problemDecision(original) : decide(deps, original)
    const decision = outcome instanceof Promise ? await outcome : outcome
    record('proxy', req, original, decision, started)
    if (!decision.allow) return sendDenial(res, decision)
    for (const [name, value] of Object.entries(decision.responseHeaders)) res.setHeader(name, value)
    try {
      // `forward` is set whenever the request was read (a problem is always denied)
      await this.#reverse.forward(req, res, { ...(forward as Forward), identity: decision.headers })
    } catch (error) {
      logger.warn(
        { err: { message: (error as Error).message, code: (error as { code?: string }).code } },
        'upstream request failed',
      )
    }
  }

  /**
   * Answers one upgrade request: a denial on the socket, or the upstream's upgrade relayed
   * (then it resolves with the upstream's socket; a failing upstream is answered 502 and
   * logged). What else it throws is a bug, for the caller (`Lifecycle.upgradeListener`).
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Duplex | undefined> {
    const { deps, trusted, record, logger } = this.#options
    const started = process.hrtime.bigint()
    const { original, forward } = proxiedRequest(req, trusted(req), undefined)
    const decision = isProblem(original) ? problemDecision(original) : await decide(deps, original)
    record('proxy', req, original, decision, started)
    if (!decision.allow) {
      sendDenial(socket, decision)
      return undefined
    }
    try {
      return await this.#reverse.upgrade(req, socket, head, {
        ...(forward as Forward),
        identity: decision.headers,
      })
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'upgrade failed')
      return undefined
    }
  }

  /** Closes the connections to the upstream. */
  close(): Promise<void> {
    return this.#reverse.close()
  }
}

/** The refusal of a form body too large (413) or unreadable (400); the connection closes. */
function formBodyRefusal(error: unknown) {
  const tooLarge = error instanceof FormBodyTooLargeError
  return {
    status: tooLarge ? 413 : 400,
    headers: { connection: 'close' },
    body: {
      error: 'invalid_request',
      error_description: tooLarge
        ? 'The form body is too large'
        : 'The form body could not be read',
    },
  }
}
