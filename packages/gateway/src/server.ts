/**
 * The gateway: the decision API (nginx, Traefik and Envoy contracts), the operations endpoints
 * (`/healthz`, `/readyz`, `/metrics`: on the decision API's listener, or on their own with
 * `ops`) and, when configured, the reverse proxy — each a plain node:http request listener,
 * so they can be served by `listen()` or mounted in any node:http server.
 */
import { AuthServerUnavailableError, type MetadataEndpointOptions } from '@bearerguard/core'
import {
  canonicalPath,
  createMetadataEndpoint,
  peerCertificate,
  type MetadataEndpoint,
} from '@bearerguard/core/adapter'
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Guard } from '@bearerguard/core'
import type { RedisCacheStore } from '@bearerguard/redis'
import type { DestinationStream, Logger } from 'pino'
import { parseConfig, type CheckedConfig } from './config/load.js'
import type { GatewayConfig, GatewayConfigInput } from './config/schema.js'
import { fromEnvoy } from './contracts/envoy.js'
import { fromNginx } from './contracts/nginx.js'
import {
  firstValue,
  isProblem,
  originalRequest,
  requestHeaders,
  type ContractProblem,
  type OriginalRequest,
} from './contracts/original-request.js'
import { fromTraefik } from './contracts/traefik.js'
import { decide, errorDecision, problemDecision, type DecideDeps, type Decision } from './decide.js'
import { guardFromConfig } from './guard-from-config.js'
import { IdentityHeaders } from './identity-headers.js'
import { readiness } from './ops/health.js'
import { createLogger, pathForLog } from './ops/logger.js'
import { GatewayMetrics, type Contract } from './ops/metrics.js'
import { isOverrideHeader } from './proxy/request-overrides.js'
import {
  FormBodyTooLargeError,
  hasFormBody,
  readFormBody,
  type FormBody,
} from './proxy/form-body.js'
import { ReverseProxy, type ForwardOptions } from './proxy/reverse-proxy.js'
import { sendDenial, sendJson } from './send-denial.js'

/** Set by nginx's error-page location when it asks again for the exact answer (see README). */
const NGINX_RECHECK = 'x-bearerguard-recheck'

/**
 * Options of {@link createGateway} besides the configuration.
 *
 * @example
 * ```ts
 * const gateway = createGateway(config, { guard: createGuard({ issuer, audience }), logger: pino({ level: 'warn' }) })
 * ```
 */
export interface GatewayOptions {
  /** A guard to use instead of building one from `config.guard` (then `guard` may be left out). */
  guard?: Guard
  /** A pino logger; default: JSON lines on stdout at `config.logging.level`. */
  logger?: Logger
  /** Where the default logger writes (tests). */
  logDestination?: DestinationStream
  /** Metrics registry holder; default: a new one. */
  metrics?: GatewayMetrics
  /**
   * The RFC 9728 document the reverse proxy serves when the guard has `resourceMetadata`:
   * `scopes_supported` from these options (decorated controllers, listed scopes) instead of
   * the scopes the rules require.
   */
  metadata?: MetadataEndpointOptions
}

/**
 * Where {@link Gateway.listen} listens.
 *
 * @example
 * ```ts
 * const { api, proxy } = await gateway.listen()
 * console.log(`decisions on ${api.port}, proxy on ${proxy?.port}`)
 * ```
 */
export interface GatewayAddresses {
  api: AddressInfo
  proxy: AddressInfo | undefined
  /** The operations listener, when `ops` is configured (else they share `api`). */
  ops: AddressInfo | undefined
}

/**
 * A running gateway's parts.
 *
 * @example
 * ```ts
 * const gateway = createGateway(await loadConfig('gateway.yaml'))
 * await gateway.listen()
 * process.on('SIGTERM', () => void gateway.close())
 * ```
 */
export interface Gateway {
  /**
   * The decision API's request listener (with the operations endpoints too, unless `ops`
   * gives them a listener of their own).
   */
  readonly api: RequestListener
  /** The operations endpoints' request listener: `/healthz`, `/readyz`, `/metrics`. */
  readonly ops: RequestListener
  /** The reverse proxy's request listener (undefined without `proxy` in the config). */
  readonly proxy: RequestListener | undefined
  /** The reverse proxy's `upgrade` listener. */
  readonly upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined
  readonly config: GatewayConfig
  readonly guard: Guard
  readonly metrics: GatewayMetrics
  readonly logger: Logger
  /** Listens on the configured addresses. */
  listen(): Promise<GatewayAddresses>
  /**
   * Graceful stop: stops accepting, lets in-flight requests finish (up to `shutdownTimeout`),
   * closes upgraded connections, the upstream connections and the guard.
   */
  close(): Promise<void>
}

/**
 * Creates a gateway from a configuration (a checked one from `loadConfig`, or an object that
 * is checked now: a wrong one throws `GatewayConfigError`).
 *
 * @example
 * ```ts
 * const gateway = createGateway({
 *   guard: { issuer: 'https://as.example.com', audience: 'https://api.example.com' },
 *   proxy: { port: 8080, upstream: 'http://127.0.0.1:3000' },
 *   rules: [{ path: '/orders{/*rest}', scopes: ['orders:read'] }],
 * })
 * await gateway.listen()
 * ```
 */
export function createGateway(
  config: CheckedConfig | GatewayConfigObject,
  options: GatewayOptions = {},
): Gateway {
  const checked = isChecked(config)
    ? config
    : parseConfig(config, { externalGuard: options.guard !== undefined })
  return new BearerguardGateway(checked, options)
}

/**
 * A configuration written in code: as in a file, but `guard` may be left out when a guard is
 * passed in {@link GatewayOptions}.
 *
 * @example
 * ```ts
 * const config: GatewayConfigObject = { proxy: { port: 8080, upstream: 'http://127.0.0.1:3000' }, rules: [{ path: '/{*any}', authenticated: true }] }
 * createGateway(config, { guard })
 * ```
 */
export type GatewayConfigObject = Omit<GatewayConfigInput, 'guard'> & {
  guard?: GatewayConfigInput['guard']
}

function isChecked(value: CheckedConfig | GatewayConfigObject): value is CheckedConfig {
  return 'rules' in value && typeof (value.rules as { match?: unknown }).match === 'function'
}

class BearerguardGateway implements Gateway {
  readonly config: GatewayConfig
  readonly guard: Guard
  readonly metrics: GatewayMetrics
  readonly logger: Logger
  readonly api: RequestListener
  readonly ops: RequestListener
  readonly proxy: RequestListener | undefined
  readonly upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined
  readonly #trust: (address: string) => boolean
  readonly #deps: DecideDeps
  readonly #metadata: MetadataEndpoint | undefined
  readonly #identity: IdentityHeaders
  readonly #redis: RedisCacheStore | undefined
  readonly #ownsGuard: boolean
  readonly #reverse: ReverseProxy | undefined
  readonly #servers: Server[] = []
  readonly #upgraded = new Set<Duplex>()
  #inFlight = 0
  #drained: (() => void) | undefined
  #draining = false
  #closing: Promise<void> | undefined

  constructor(checked: CheckedConfig, options: GatewayOptions) {
    const { config } = checked
    this.config = config
    this.#trust = checked.trust
    this.logger = options.logger ?? createLogger(config.logging.level, options.logDestination)
    this.metrics = options.metrics ?? new GatewayMetrics()
    if (options.guard) {
      this.guard = options.guard
      this.#ownsGuard = false
    } else {
      const built = guardFromConfig(config, { metrics: this.metrics, logger: this.logger })
      this.guard = built.guard
      this.#redis = built.redis
      this.#ownsGuard = true
    }
    this.#identity = new IdentityHeaders(config.identity)
    this.#deps = {
      guard: this.guard,
      rules: checked.rules,
      identity: this.#identity,
      onCache: (hit) => this.metrics.cache(hit),
      onUnexpected: (error) => this.logger.error({ err: error }, 'unexpected error while deciding'),
    }
    this.api = (req, res) => this.#track(res, () => this.#handleApi(req, res))
    this.ops = (req, res) => this.#track(res, () => this.#handleOps(req, res) ?? sendNotFound(res))
    // RFC 9728: with resourceMetadata on the guard, the reverse proxy serves the document
    this.#metadata = this.guard.resourceMetadataUrl
      ? createMetadataEndpoint(
          this.guard,
          options.metadata ?? { scopes: scopesOfRules(config.rules) },
        )
      : undefined
    if (config.proxy) {
      const proxy = config.proxy
      this.#reverse = new ReverseProxy({
        upstream: proxy.upstream,
        timeout: proxy.timeout,
        stripAuthorization: proxy.stripAuthorization,
        isIdentityHeader: (name) => this.#identity.isIdentityHeader(name),
      })
      this.proxy = (req, res) => this.#track(res, () => this.#handleProxy(req, res))
      this.upgrade = (req, socket, head) => this.#handleUpgrade(req, socket, head)
    }
  }

  // ── the decision API ──────────────────────────────────────────────────────────────────────

  #handleApi(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/'
    const path = pathForLog(url)
    const { nginx, traefik, envoy } = this.config.forwardAuth
    if (req.headers[NGINX_RECHECK] !== undefined && nginx !== false) {
      return this.#forwardAuth('nginx', req, res, () => fromNginx(req, this.#trusted(req)), true)
    }
    if (!this.config.ops) {
      // with `ops`, these live on their own listener, off every decision path
      const answered = this.#handleOps(req, res)
      if (answered !== undefined) return answered ?? undefined
    }
    if (nginx !== false && path === nginx) {
      return this.#forwardAuth('nginx', req, res, () => fromNginx(req, this.#trusted(req)))
    }
    if (traefik !== false && path === traefik) {
      return this.#forwardAuth('traefik', req, res, () => fromTraefik(req, this.#trusted(req)))
    }
    if (envoy !== false && (envoy === '' || path === envoy || path.startsWith(`${envoy}/`))) {
      return this.#forwardAuth('envoy', req, res, () => fromEnvoy(req, this.#trusted(req), envoy))
    }
    sendNotFound(res)
  }

  /** `/healthz`, `/readyz` and `/metrics`; undefined for any other path. */
  #handleOps(req: IncomingMessage, res: ServerResponse): Promise<void> | null | undefined {
    const path = pathForLog(req.url ?? '/')
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' })
      return null
    }
    if (path === '/readyz') {
      return readiness(this.guard, this.#redis, this.#draining).then((report) =>
        sendJson(res, report.ready ? 200 : 503, report),
      )
    }
    if (path === '/metrics') {
      return this.metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': this.metrics.registry.contentType })
        res.end(text)
      })
    }
    return undefined
  }

  #forwardAuth(
    contract: Contract,
    req: IncomingMessage,
    res: ServerResponse,
    read: () => OriginalRequest | ContractProblem,
    recheck = false,
  ): void | Promise<void> {
    const started = process.hrtime.bigint()
    const original = read()
    const outcome = isProblem(original) ? problemDecision(original) : decide(this.#deps, original)
    const answer = (decision: Decision) => {
      if (recheck && decision.allow) decision = RECHECK_ALLOWED
      this.#record(contract, req, original, decision, started)
      if (!decision.allow) return sendDenial(res, decision)
      const headers: Record<string, string> = { ...decision.headers, ...decision.responseHeaders }
      if (contract === 'envoy') {
        const remove = Object.keys(req.headers).filter(
          (name) =>
            (this.#identity.isIdentityHeader(name) && !(name in decision.headers)) ||
            isOverrideHeader(name),
        )
        if (remove.length > 0) headers['x-envoy-auth-headers-to-remove'] = remove.join(',')
      }
      res.writeHead(200, headers)
      res.end()
    }
    return outcome instanceof Promise ? outcome.then(answer) : answer(outcome)
  }

  // ── the reverse proxy ─────────────────────────────────────────────────────────────────────

  async #handleProxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = requestTarget(req.url ?? '/')
    const metadataPath = target && canonicalPath(target.uri.split('?')[0] as string)
    const metadata =
      metadataPath?.ok && this.#metadata?.respond(req.method ?? 'GET', metadataPath.path)
    if (metadata) {
      res.writeHead(metadata.status, metadata.headers).end(metadata.body)
      return
    }
    const started = process.hrtime.bigint()
    const reverse = this.#reverse as ReverseProxy
    let form: FormBody | undefined
    if (hasFormBody(req)) {
      try {
        form = await readFormBody(req, (this.config.proxy as { maxFormBody: number }).maxFormBody)
      } catch (error) {
        const tooLarge = error instanceof FormBodyTooLargeError
        const status = tooLarge ? 413 : 400
        if (!res.headersSent && !res.destroyed) {
          sendDenial(res, {
            status,
            headers: { connection: 'close' },
            body: {
              error: 'invalid_request',
              error_description: tooLarge
                ? 'The form body is too large'
                : 'The form body could not be read',
            },
          })
        }
        return
      }
    }
    const { original, forward } = this.#proxied(req, form)
    const outcome = isProblem(original) ? problemDecision(original) : decide(this.#deps, original)
    const decision = outcome instanceof Promise ? await outcome : outcome
    this.#record('proxy', req, original, decision, started)
    if (!decision.allow) return sendDenial(res, decision)
    for (const [name, value] of Object.entries(decision.responseHeaders)) res.setHeader(name, value)
    try {
      // `forward` is set whenever the request was read (a problem is always denied)
      await reverse.forward(req, res, { ...(forward as Forward), identity: decision.headers })
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message, code: (error as { code?: string }).code } },
        'upstream request failed',
      )
    }
  }

  #handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    if (this.#draining) {
      sendDenial(socket, SHUTTING_DOWN)
      return
    }
    const started = process.hrtime.bigint()
    const { original, forward } = this.#proxied(req, undefined)
    const outcome = isProblem(original) ? problemDecision(original) : decide(this.#deps, original)
    void Promise.resolve(outcome).then(async (decision) => {
      this.#record('proxy', req, original, decision, started)
      if (!decision.allow) {
        sendDenial(socket, decision)
        return
      }
      this.#upgraded.add(socket)
      socket.once('close', () => this.#upgraded.delete(socket))
      try {
        const upstream = await (this.#reverse as ReverseProxy).upgrade(req, socket, head, {
          ...(forward as Forward),
          identity: decision.headers,
        })
        if (upstream) {
          this.#upgraded.add(upstream)
          upstream.once('close', () => this.#upgraded.delete(upstream))
        }
      } catch (error) {
        this.logger.warn({ err: { message: (error as Error).message } }, 'upgrade failed')
      }
    })
  }

  /**
   * The original request of a proxied request, and how to forward it (undefined when it is
   * refused). The host is a trusted hop's `X-Forwarded-Host`, else the authority of an
   * absolute-form target (RFC 9112 §3.2.2: then `Host` is ignored), else `Host`; a request
   * with two `Host` headers is refused (RFC 9112 §3.2). The upstream gets the canonical path.
   */
  #proxied(
    req: IncomingMessage,
    form: FormBody | undefined,
  ): {
    original: OriginalRequest | ContractProblem
    forward: Forward | undefined
  } {
    const target = requestTarget(req.url ?? '/')
    if (!target) return { original: BAD_TARGET, forward: undefined }
    if (countHeader(req.rawHeaders, 'host') > 1) return { original: TWO_HOSTS, forward: undefined }
    const trusted = this.#trusted(req)
    const h = req.headers
    const proto = (trusted && firstValue(h['x-forwarded-proto'])) || 'http'
    const host = (trusted && firstValue(h['x-forwarded-host'])) || target.authority || h.host
    const original = originalRequest({
      method: req.method,
      proto,
      host,
      uri: target.uri,
      headers: requestHeaders(req),
      body: form?.fields,
      // the client's own TLS connection (RFC 8705): only in proxy mode is the peer the client
      clientCertificate: () => peerCertificate(req.socket),
      names: {
        method: 'the method',
        proto: 'X-Forwarded-Proto',
        host: 'Host',
        uri: 'The request target',
      },
    })
    if (isProblem(original)) return { original, forward: undefined }
    return {
      original,
      forward: {
        path: `${original.path}${original.query}`,
        clientIp: req.socket.remoteAddress ?? '',
        proto,
        host: host ?? '',
        trustedHop: trusted,
        ...(form && { body: form.raw }),
      },
    }
  }

  // ── shared ────────────────────────────────────────────────────────────────────────────────

  #trusted(req: IncomingMessage): boolean {
    const address = req.socket.remoteAddress
    return address !== undefined && this.#trust(address)
  }

  #record(
    contract: Contract,
    req: IncomingMessage,
    original: OriginalRequest | ContractProblem,
    decision: Decision,
    started: bigint,
  ): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.metrics.decision(contract, decision, seconds)
    if (!this.logger.isLevelEnabled('info')) return
    const known = !isProblem(original)
    this.logger.info(
      {
        contract,
        method: known ? original.request.method : req.method,
        host: known ? original.host : undefined,
        path: known ? original.path : pathForLog(req.url ?? ''),
        result: decision.allow ? 'allow' : 'deny',
        status: decision.allow ? 200 : decision.status,
        reason: decision.reason,
        rule: decision.rule?.index,
        subject: decision.allow ? decision.auth?.subject : undefined,
        ms: Math.round(seconds * 1e6) / 1e3,
      },
      'decision',
    )
  }

  /** Runs a handler, counting it in flight until its response closes; never lets it throw. */
  #track(res: ServerResponse, handle: () => void | Promise<void>): void {
    this.#inFlight++
    res.once('close', () => {
      this.#inFlight--
      if (this.#inFlight === 0) this.#drained?.()
    })
    if (this.#draining) res.setHeader('connection', 'close')
    const fail = (error: unknown) => {
      // a bug, not the authorization server: a 500, never a 503 that invites a retry
      this.logger.error({ err: { message: (error as Error)?.message } }, 'request failed')
      if (!res.headersSent) sendDenial(res, errorDecision(error))
      else res.destroy()
    }
    try {
      const result = handle()
      if (result instanceof Promise) result.catch(fail)
    } catch (error) {
      fail(error)
    }
  }

  async listen(): Promise<GatewayAddresses> {
    const api = createServer(this.api)
    this.#servers.push(api)
    const apiAddress = await listenOn(api, this.config.api.host, this.config.api.port)
    let proxyAddress: AddressInfo | undefined
    if (this.config.proxy && this.proxy && this.upgrade) {
      const proxy = createServer(this.proxy)
      proxy.on('upgrade', this.upgrade)
      this.#servers.push(proxy)
      proxyAddress = await listenOn(proxy, this.config.proxy.host, this.config.proxy.port)
    }
    let opsAddress: AddressInfo | undefined
    if (this.config.ops) {
      const ops = createServer(this.ops)
      this.#servers.push(ops)
      opsAddress = await listenOn(ops, this.config.ops.host, this.config.ops.port)
    }
    return { api: apiAddress, proxy: proxyAddress, ops: opsAddress }
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
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
      timer = setTimeout(resolve, this.config.shutdownTimeout * 1000)
      timer.unref()
    })
    await Promise.race([drained, deadline])
    clearTimeout(timer)
    for (const socket of this.#upgraded) socket.destroy()
    for (const server of this.#servers) server.closeAllConnections()
    await closed
    await this.#reverse?.close()
    if (this.#ownsGuard) await this.guard.close()
  }
}

/** A 200 on nginx's second look means the first answer is gone: ask the client to retry. */
const RECHECK_ALLOWED = errorDecision(new AuthServerUnavailableError('Please retry', 1))

/** An upgrade asked for while the gateway is shutting down. */
const SHUTTING_DOWN = errorDecision(
  new AuthServerUnavailableError('The gateway is shutting down', 1),
)

/** How an allowed request is forwarded, but for the identity the decision adds. */
type Forward = Omit<ForwardOptions, 'identity'>

function sendNotFound(res: ServerResponse): void {
  sendDenial(res, NOT_FOUND)
}

/** Any path of the decision API (or of the operations listener) that is not one of its endpoints. */
const NOT_FOUND = {
  status: 404,
  headers: {},
  body: { error: 'not_found', error_description: 'No such endpoint' },
}

/** The proxy's refusal of a request target that is neither origin- nor absolute-form. */
const BAD_TARGET: ContractProblem = {
  status: 400,
  reason: 'bad_forwarded',
  description: 'The request target must be a path or an absolute http(s) URL',
}

/** The proxy's refusal of two `Host` headers (RFC 9112 §3.2: a server MUST answer 400). */
const TWO_HOSTS: ContractProblem = {
  status: 400,
  reason: 'ambiguous_request',
  description: 'The request has more than one Host header',
}

/**
 * The path-and-query of a request target, and the authority of an absolute-form one
 * (`GET http://api.example.com/orders HTTP/1.1`); undefined for any other form.
 */
function requestTarget(url: string): { uri: string; authority?: string } | undefined {
  if (url.startsWith('/')) return { uri: url }
  const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(url)
  if (!absolute) return undefined
  const rest = absolute[2] as string
  return { authority: absolute[1] as string, uri: rest.startsWith('/') ? rest : `/${rest}` }
}

/** How many times `name` (lower-case) occurs in a raw header list. */
function countHeader(rawHeaders: readonly string[], name: string): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name) count++
  }
  return count
}

function listenOn(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** Every scope the rules require: what `scopes_supported` of the RFC 9728 document lists. */
function scopesOfRules(rules: readonly { scopes?: readonly string[] | undefined }[]): string[] {
  return [...new Set(rules.flatMap((rule) => rule.scopes ?? []))].sort()
}
