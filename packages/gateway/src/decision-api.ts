/**
 * The decision API: nginx's `auth_request`, Traefik's ForwardAuth and Envoy's ext_authz (HTTP)
 * contracts — each request read into the original request it asks about, decided, and answered
 * 200 with the identity headers or with the denial — and the operations endpoints (`/healthz`,
 * `/readyz`, `/metrics`), on the decision API's listener or, with `ops`, on their own.
 */
import { AuthServerUnavailableError, type Guard } from '@bearerguard/core'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RedisCacheStore } from '@bearerguard/redis'
import type { GatewayConfig } from './config/schema.js'
import { fromEnvoy } from './contracts/envoy.js'
import { fromNginx } from './contracts/nginx.js'
import {
  isProblem,
  type ContractProblem,
  type OriginalRequest,
} from './contracts/original-request.js'
import { fromTraefik } from './contracts/traefik.js'
import { decide, errorDecision, problemDecision, type DecideDeps, type Decision } from './decide.js'
import type { Handler } from './lifecycle.js'
import type { RecordDecision } from './ops/decision-recorder.js'
import { readiness } from './ops/health.js'
import { pathForLog } from './ops/logger.js'
import type { Contract, GatewayMetrics } from './ops/metrics.js'
import { isOverrideHeader } from './proxy/request-overrides.js'
import { sendDenial, sendJson } from './send-denial.js'

/** Set by nginx's error-page location when it asks again for the exact answer (see README). */
const NGINX_RECHECK = 'x-bearerguard-recheck'

/** A 200 on nginx's second look means the first answer is gone: ask the client to retry. */
const RECHECK_ALLOWED = errorDecision(new AuthServerUnavailableError('Please retry', 1))

/** Any path that is not one of the listener's endpoints. */
const NOT_FOUND = {
  status: 404,
  headers: {},
  body: { error: 'not_found', error_description: 'No such endpoint' },
}

/**
 * What the decision API needs.
 *
 * @example
 * ```ts
 * const options: DecisionApiOptions = { config, deps, trusted, record, guard, redis: undefined, metrics, isDraining: () => false }
 * ```
 */
export interface DecisionApiOptions {
  /** `forwardAuth` (the contracts' paths) and `ops` (whether the endpoints listen apart). */
  config: Pick<GatewayConfig, 'forwardAuth' | 'ops'>
  deps: DecideDeps
  /** Whether a request's peer is a trusted proxy. */
  trusted: (req: IncomingMessage) => boolean
  record: RecordDecision
  /** For `/readyz` and `/metrics`. */
  guard: Guard
  redis: RedisCacheStore | undefined
  metrics: GatewayMetrics
  /** True while the gateway shuts down (`/readyz` is then 503). */
  isDraining: () => boolean
}

/**
 * The decision API's handler (the contracts, and the operations endpoints unless `ops` gives
 * them a listener), and the operations listener's handler.
 *
 * @example
 * ```ts
 * const { api, ops } = createDecisionApi(options)
 * createServer(lifecycle.listener(api)).listen(9000)
 * ```
 */
export interface DecisionApi {
  api: Handler
  ops: Handler
}

/**
 * Creates the decision API.
 *
 * @example
 * ```ts
 * const { api } = createDecisionApi({ config, deps, trusted, record, guard, redis, metrics, isDraining })
 * ```
 */
export function createDecisionApi(options: DecisionApiOptions): DecisionApi {
  const { config, deps, trusted, record } = options

  /** `/healthz`, `/readyz` and `/metrics`: true (or a promise) when it was one of them. */
  const opsEndpoint = (req: IncomingMessage, res: ServerResponse): boolean | Promise<void> => {
    const path = pathForLog(req.url ?? '/')
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' })
      return true
    }
    if (path === '/readyz') {
      return readiness(options.guard, options.redis, options.isDraining()).then((report) =>
        sendJson(res, report.ready ? 200 : 503, report),
      )
    }
    if (path === '/metrics') {
      const { registry } = options.metrics
      return registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType })
        res.end(text)
      })
    }
    return false
  }

  const forwardAuth = (
    contract: Contract,
    req: IncomingMessage,
    res: ServerResponse,
    read: () => OriginalRequest | ContractProblem,
    recheck = false,
  ): void | Promise<void> => {
    const started = process.hrtime.bigint()
    const original = read()
    const outcome = isProblem(original) ? problemDecision(original) : decide(deps, original)
    const answer = (decision: Decision) => {
      if (recheck && decision.allow) decision = RECHECK_ALLOWED
      record(contract, req, original, decision, started)
      if (!decision.allow) return sendDenial(res, decision)
      const headers: Record<string, string> = { ...decision.headers, ...decision.responseHeaders }
      if (contract === 'envoy') {
        const remove = Object.keys(req.headers).filter(
          (name) =>
            (deps.identity.isIdentityHeader(name) && !(name in decision.headers)) ||
            isOverrideHeader(name),
        )
        if (remove.length > 0) headers['x-envoy-auth-headers-to-remove'] = remove.join(',')
      }
      res.writeHead(200, headers)
      res.end()
    }
    return outcome instanceof Promise ? outcome.then(answer) : answer(outcome)
  }

  const api: Handler = (req, res) => {
    const path = pathForLog(req.url ?? '/')
    const { nginx, traefik, envoy } = config.forwardAuth
    if (req.headers[NGINX_RECHECK] !== undefined && nginx !== false) {
      return forwardAuth('nginx', req, res, () => fromNginx(req, trusted(req)), true)
    }
    if (!config.ops) {
      // with `ops`, these live on their own listener, off every decision path
      const answered = opsEndpoint(req, res)
      if (answered instanceof Promise) return answered
      if (answered) return
    }
    if (nginx !== false && path === nginx) {
      return forwardAuth('nginx', req, res, () => fromNginx(req, trusted(req)))
    }
    if (traefik !== false && path === traefik) {
      return forwardAuth('traefik', req, res, () => fromTraefik(req, trusted(req)))
    }
    if (envoy !== false && (envoy === '' || path === envoy || path.startsWith(`${envoy}/`))) {
      return forwardAuth('envoy', req, res, () => fromEnvoy(req, trusted(req), envoy))
    }
    sendDenial(res, NOT_FOUND)
  }

  const ops: Handler = (req, res) => {
    const answered = opsEndpoint(req, res)
    if (answered instanceof Promise) return answered
    if (!answered) sendDenial(res, NOT_FOUND)
  }

  return { api, ops }
}
