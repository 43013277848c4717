/**
 * The gateway's lifecycle: its listeners (decision API, reverse proxy, operations), the
 * requests in flight on them and the connections upgraded through the proxy, and the graceful
 * close — stop accepting (an upgrade asked for meanwhile is refused 503), let in-flight
 * requests finish within `shutdownTimeout`, then cut what remains and release the rest. A
 * handler that throws (a bug) is answered 500 and logged, never 503.
 */
import { AuthServerUnavailableError } from '@bearerguard/core'
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { errorDecision } from './decide.js'
import { sendDenial } from './send-denial.js'

/**
 * A request handler of the gateway: it may answer at once or return a promise of its answer.
 *
 * @example
 * ```ts
 * const health: Handler = (req, res) => void res.end('ok')
 * ```
 */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/**
 * An upgrade handler of the gateway: it answers on the socket, and resolves with the
 * upstream's socket when it relays the upgrade.
 *
 * @example
 * ```ts
 * const relay: UpgradeHandler = (req, socket, head) => proxy.upgrade(req, socket, head)
 * ```
 */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
) => Promise<Duplex | undefined>

/** An upgrade asked for while the gateway is shutting down. */
const SHUTTING_DOWN = errorDecision(
  new AuthServerUnavailableError('The gateway is shutting down', 1),
)

/**
 * What a {@link Lifecycle} needs.
 *
 * @example
 * ```ts
 * const options: LifecycleOptions = { shutdownTimeout: 10, logger }
 * ```
 */
export interface LifecycleOptions {
  /** Seconds in-flight requests get to finish once the gateway closes. */
  shutdownTimeout: number
  /** Where a handler's failure (a bug) is logged. */
  logger: Logger
}

/**
 * Listeners, what is in flight on them, and the graceful close.
 *
 * @example
 * ```ts
 * const lifecycle = new Lifecycle({ shutdownTimeout: 10, logger })
 * const api = lifecycle.listener(handleDecision)
 * await lifecycle.serve(api, { host: '127.0.0.1', port: 9000 })
 * process.on('SIGTERM', () => void lifecycle.close(() => guard.close()))
 * ```
 */
export class Lifecycle {
  readonly #options: LifecycleOptions
  readonly #servers: Server[] = []
  readonly #upgraded = new Set<Duplex>()
  #inFlight = 0
  #drained: (() => void) | undefined
  #draining = false
  #closing: Promise<void> | undefined

  constructor(options: LifecycleOptions) {
    this.#options = options
  }

  /** True once {@link Lifecycle.close} was called: the gateway is draining. */
  get draining(): boolean {
    return this.#draining
  }

  /** A node:http request listener running `handle` under {@link Lifecycle.track}. */
  listener(handle: Handler): RequestListener {
    return (req, res) => this.track(res, () => handle(req, res))
  }

  /**
   * Runs a handler, counting it in flight until its response closes (while draining, the
   * answer closes its connection). Never lets it throw: see `#fail`.
   */
  track(res: ServerResponse, handle: () => void | Promise<void>): void {
    this.#inFlight++
    res.once('close', () => {
      this.#inFlight--
      if (this.#inFlight === 0) this.#drained?.()
    })
    if (this.#draining) res.setHeader('connection', 'close')
    try {
      const result = handle()
      if (result instanceof Promise) result.catch((error: unknown) => this.#fail(res, error))
    } catch (error) {
      this.#fail(res, error)
    }
  }

  /**
   * A node:http `upgrade` listener running `handle`: while draining, an upgrade is refused
   * with a 503 (`Retry-After: 1`: another instance, or this one restarted, takes it); else the
   * connection — and the upstream's, once relayed — is held until it closes, for the close to
   * cut it. Never lets `handle` throw: see `#fail`.
   */
  upgradeListener(
    handle: UpgradeHandler,
  ): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
    return (req, socket, head) => {
      socket.on('error', () => socket.destroy())
      if (this.#draining) return sendDenial(socket, SHUTTING_DOWN)
      this.#hold(socket)
      let relayed: Promise<Duplex | undefined>
      try {
        relayed = handle(req, socket, head)
      } catch (error) {
        return this.#fail(socket, error)
      }
      relayed.then(
        (upstream) => upstream && this.#hold(upstream),
        (error: unknown) => this.#fail(socket, error),
      )
    }
  }

  /**
   * A handler's failure — a bug, never the authorization server's, which a handler answers
   * itself — is logged and answered 500 `{ "error": "server_error" }`, never a 503 that
   * invites a retry (or the connection cut, once the answer has begun).
   */
  #fail(to: ServerResponse | Duplex, error: unknown): void {
    this.#options.logger.error({ err: { message: (error as Error)?.message } }, 'request failed')
    if ('writeHead' in to && to.headersSent) to.destroy()
    else sendDenial(to, errorDecision(error))
  }

  #hold(socket: Duplex): void {
    this.#upgraded.add(socket)
    socket.once('close', () => this.#upgraded.delete(socket))
  }

  /**
   * Serves `listener` (and `upgrade` for `upgrade` requests) on a new node:http server at
   * `host`:`port`; resolves with the address once listening.
   */
  async serve(
    listener: RequestListener,
    at: { host: string; port: number },
    upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): Promise<AddressInfo> {
    const server = createServer(listener)
    if (upgrade) server.on('upgrade', upgrade)
    this.#servers.push(server)
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(at.port, at.host, () => {
        server.off('error', reject)
        resolve(server.address() as AddressInfo)
      })
    })
  }

  /**
   * Graceful stop, once however often called: stops accepting, lets in-flight requests finish
   * (up to `shutdownTimeout`), cuts upgraded connections and any still open, then `release`s
   * what the gateway holds (upstream connections, the guard).
   */
  close(release: () => Promise<void>): Promise<void> {
    this.#closing ??= this.#close(release)
    return this.#closing
  }

  async #close(release: () => Promise<void>): Promise<void> {
    this.#draining = true
    const closed = Promise.all(
      this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    )
    for (const server of this.#servers) server.closeIdleConnections()
    const drained =
      this.#inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#drained = resolve
          })
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.shutdownTimeout * 1000)
      timer.unref()
    })
    await Promise.race([drained, deadline])
    clearTimeout(timer)
    for (const socket of this.#upgraded) socket.destroy()
    for (const server of this.#servers) server.closeAllConnections()
    await closed
    await release()
  }
}
