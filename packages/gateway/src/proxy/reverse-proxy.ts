/**
 * Reverse-proxy mode: an allowed request goes on to the upstream with undici, its body and the
 * upstream's answer streamed both ways, to the canonical path the rules judged; hop-by-hop
 * headers are dropped, the client's own identity headers (spelled with `-` or `_`), method-
 * and path-override headers and (from an untrusted hop) other forwarding headers removed, the
 * verified identity added, `X-Forwarded-*` set, and `Authorization` stripped when configured. WebSocket (and other) upgrades are relayed once
 * allowed: the upstream's `101` comes back, then bytes flow both ways.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Agent, errors as undiciErrors, upgrade as undiciUpgrade } from 'undici'
import { withoutHopByHop } from './hop-by-hop.js'
import { isForwardingHeader, isOverrideHeader } from './request-overrides.js'
import { writeRaw } from './write-raw.js'

/**
 * How one request is forwarded.
 *
 * @example
 * ```ts
 * await proxy.forward(req, res, { identity: decision.headers, path: '/orders?page=2', clientIp: '203.0.113.7', proto: 'https', host: 'api.example.com', trustedHop: false })
 * ```
 */
export interface ForwardOptions {
  /** Identity headers to add. */
  identity: Record<string, string>
  /**
   * The path and query to ask the upstream for (after its base path): the canonical path the
   * rules judged, and the query as sent — never the client's own spelling of the path.
   */
  path: string
  /** The client's address (appended to `X-Forwarded-For`). */
  clientIp: string
  /** Scheme and host of the original request (for `X-Forwarded-Proto` / `-Host`). */
  proto: string
  host: string
  /** Whether the peer is a trusted proxy (then its `X-Forwarded-For` is kept and extended). */
  trustedHop: boolean
  /** A body already read (a form body the guard looked at); else the request streams. */
  body?: Buffer
}

/**
 * What the proxy needs.
 *
 * @example
 * ```ts
 * const proxy = new ReverseProxy({ upstream: 'http://127.0.0.1:3000', timeout: 30_000, stripAuthorization: false, isIdentityHeader: (n) => n.startsWith('x-auth-') })
 * ```
 */
export interface ReverseProxyOptions {
  upstream: string
  /** Milliseconds to wait for the upstream's response headers. */
  timeout: number
  stripAuthorization: boolean
  /** Names the client may not send (they are removed before identity headers are added). */
  isIdentityHeader: (name: string) => boolean
}

/** The reverse proxy of one upstream. */
export class ReverseProxy {
  readonly #origin: string
  readonly #basePath: string
  readonly #agent: Agent
  readonly #options: ReverseProxyOptions

  constructor(options: ReverseProxyOptions) {
    const url = new URL(options.upstream)
    this.#origin = url.origin
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#options = options
    this.#agent = new Agent({
      headersTimeout: options.timeout,
      bodyTimeout: 0, // a streamed answer (server-sent events, downloads) may take its time
      connect: { timeout: Math.min(options.timeout, 10_000) },
    })
  }

  /** The headers sent upstream. */
  #headers(req: IncomingMessage, options: ForwardOptions): Record<string, string | string[]> {
    const { isIdentityHeader, stripAuthorization } = this.#options
    const headers = withoutHopByHop(
      req.headers,
      (name) =>
        name === 'host' ||
        name === 'x-forwarded-proto' ||
        name === 'x-forwarded-host' ||
        (name === 'x-forwarded-for' && !options.trustedHop) ||
        (stripAuthorization && name === 'authorization') ||
        isIdentityHeader(name) ||
        isOverrideHeader(name) ||
        (!options.trustedHop && isForwardingHeader(name)) ||
        // the gateway's own X-Forwarded-* may not come in spelled with "_" either
        (name.includes('_') && name.replaceAll('_', '-').startsWith('x-forwarded-')),
    )
    const forwardedFor = headers['x-forwarded-for']
    headers['x-forwarded-for'] = forwardedFor
      ? `${[forwardedFor].flat().join(', ')}, ${options.clientIp}`
      : options.clientIp
    headers['x-forwarded-proto'] = options.proto
    headers['x-forwarded-host'] = options.host
    Object.assign(headers, options.identity)
    if (options.body) {
      headers['content-length'] = String(options.body.length)
    }
    return headers
  }

  /** Forwards one request and streams the answer; answers 502/504 itself when the upstream fails. */
  async forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<void> {
    const abort = new AbortController()
    const onClose = () => {
      if (!res.writableFinished) abort.abort()
    }
    res.once('close', onClose)
    const hasBody =
      options.body !== undefined ||
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0
    try {
      const answer = await this.#agent.request({
        origin: this.#origin,
        path: this.#basePath + options.path,
        method: req.method as 'GET',
        headers: this.#headers(req, options),
        body: options.body ?? (hasBody ? req : null),
        signal: abort.signal,
      })
      res.writeHead(answer.statusCode, withoutHopByHop(answer.headers))
      await pipeline(answer.body, res)
    } catch (error) {
      if (abort.signal.aborted) return // the client went away: nothing to answer
      if (!res.headersSent) {
        const timeout =
          error instanceof undiciErrors.HeadersTimeoutError ||
          error instanceof undiciErrors.ConnectTimeoutError
        sendUpstreamError(res, timeout ? 504 : 502)
      } else {
        res.destroy()
      }
      throw error
    } finally {
      res.off('close', onClose)
    }
  }

  /**
   * Relays an upgrade (WebSocket): asks the upstream to upgrade, sends its `101` to the client
   * and joins the two sockets. A failing upstream gets the client a 502.
   */
  async upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    options: ForwardOptions,
  ): Promise<Duplex | undefined> {
    const headers = this.#headers(req, options)
    delete headers['content-length']
    try {
      const target = this.#origin + this.#basePath + options.path
      const { headers: answer, socket: upstream } = await undiciUpgrade(target, {
        dispatcher: this.#agent,
        method: req.method ?? 'GET',
        headers,
        protocol: String(req.headers.upgrade ?? 'websocket'),
      })
      const lines = ['HTTP/1.1 101 Switching Protocols']
      for (const [name, value] of Object.entries(answer)) {
        for (const v of [value ?? []].flat()) lines.push(`${name}: ${v}`)
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length > 0) upstream.write(head)
      const end = () => {
        socket.destroy()
        upstream.destroy()
      }
      upstream.on('error', end).on('close', end)
      socket.on('error', end).on('close', end)
      upstream.pipe(socket)
      socket.pipe(upstream)
      return upstream
    } catch (error) {
      writeRaw(
        socket,
        502,
        {},
        { error: 'bad_gateway', error_description: 'The upstream refused the upgrade' },
      )
      throw error
    }
  }

  /** Closes the connections to the upstream. */
  async close(): Promise<void> {
    await this.#agent.close()
  }
}

function sendUpstreamError(res: ServerResponse, status: 502 | 504): void {
  const body = JSON.stringify({
    error: status === 504 ? 'gateway_timeout' : 'bad_gateway',
    error_description:
      status === 504 ? 'The upstream did not answer in time' : 'The upstream could not be reached',
  })
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}
