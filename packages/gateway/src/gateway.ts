/**
 * The gateway: {@link createGateway} puts its parts together — the guard (built from the
 * configuration or given), the decision API with the operations endpoints (decision-api.ts),
 * the reverse proxy when configured (proxy-handler.ts), and the lifecycle that serves them,
 * counts what is in flight and closes gracefully (lifecycle.ts). Each listener is a plain
 * node:http request listener, served by `listen()` or mounted in any node:http server.
 */
import type { Guard, MetadataEndpointOptions } from '@bearerguard/core'
import { createMetadataEndpoint } from '@bearerguard/core/adapter'
import type { IncomingMessage, RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { RedisCacheStore } from '@bearerguard/redis'
import type { DestinationStream, Logger } from 'pino'
import { parseConfig, type CheckedConfig } from './config/load.js'
import type { GatewayConfig, GatewayConfigInput } from './config/schema.js'
import type { DecideDeps } from './decide.js'
import { createDecisionApi } from './decision-api.js'
import { guardFromConfig } from './guard-from-config.js'
import { IdentityHeaders } from './identity-headers.js'
import { Lifecycle } from './lifecycle.js'
import { decisionRecorder } from './ops/decision-recorder.js'
import { createLogger } from './ops/logger.js'
import { GatewayMetrics } from './ops/metrics.js'
import { ProxyHandler } from './proxy-handler.js'

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
  readonly #lifecycle: Lifecycle
  readonly #proxy: ProxyHandler | undefined
  readonly #redis: RedisCacheStore | undefined
  readonly #ownsGuard: boolean

  constructor(checked: CheckedConfig, options: GatewayOptions) {
    const { config } = checked
    this.config = config
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
    const lifecycle = new Lifecycle({
      shutdownTimeout: config.shutdownTimeout,
      logger: this.logger,
    })
    this.#lifecycle = lifecycle
    const deps: DecideDeps = {
      guard: this.guard,
      rules: checked.rules,
      identity: new IdentityHeaders(config.identity),
      onCache: (hit) => this.metrics.cache(hit),
      onUnexpected: (error) => this.logger.error({ err: error }, 'unexpected error while deciding'),
    }
    const shared = {
      deps,
      trusted: (req: IncomingMessage) => {
        const address = req.socket.remoteAddress
        return address !== undefined && checked.trust(address)
      },
      record: decisionRecorder(this.metrics, this.logger),
    }
    const decisions = createDecisionApi({
      ...shared,
      config,
      guard: this.guard,
      redis: this.#redis,
      metrics: this.metrics,
      isDraining: () => lifecycle.draining,
    })
    this.api = lifecycle.listener(decisions.api)
    this.ops = lifecycle.listener(decisions.ops)
    // RFC 9728: with resourceMetadata on the guard, the reverse proxy serves the document
    const metadata = this.guard.resourceMetadataUrl
      ? createMetadataEndpoint(
          this.guard,
          options.metadata ?? { scopes: scopesOfRules(config.rules) },
        )
      : undefined
    if (config.proxy) {
      const proxy = new ProxyHandler({
        ...shared,
        proxy: config.proxy,
        metadata,
        logger: this.logger,
      })
      this.#proxy = proxy
      this.proxy = lifecycle.listener((req, res) => proxy.handle(req, res))
      this.upgrade = lifecycle.upgradeListener((req, socket, head) =>
        proxy.upgrade(req, socket, head),
      )
    }
  }

  async listen(): Promise<GatewayAddresses> {
    const { api, proxy, ops } = this.config
    const lifecycle = this.#lifecycle
    const apiAddress = await lifecycle.serve(this.api, api)
    const proxyAddress =
      proxy && this.proxy ? await lifecycle.serve(this.proxy, proxy, this.upgrade) : undefined
    const opsAddress = ops ? await lifecycle.serve(this.ops, ops) : undefined
    return { api: apiAddress, proxy: proxyAddress, ops: opsAddress }
  }

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      await this.#proxy?.close()
      if (this.#ownsGuard) await this.guard.close()
    })
  }
}

/** Every scope the rules require: what `scopes_supported` of the RFC 9728 document lists. */
function scopesOfRules(rules: readonly { scopes?: readonly string[] | undefined }[]): string[] {
  return [...new Set(rules.flatMap((rule) => rule.scopes ?? []))].sort()
}
