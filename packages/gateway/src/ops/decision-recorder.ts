/**
 * What every decision leaves behind, whichever listener made it: its count and latency in the
 * metrics, and one JSON log line (contract, method, host, path without query, result, status,
 * reason, rule, subject, duration) — never a header, so never a token.
 */
import type { IncomingMessage } from 'node:http'
import type { Logger } from 'pino'
import {
  isProblem,
  type ContractProblem,
  type OriginalRequest,
} from '../contracts/original-request.js'
import type { Decision } from '../decide.js'
import { pathForLog } from './logger.js'
import type { Contract, GatewayMetrics } from './metrics.js'

/**
 * Records one decision, made since `started` (`process.hrtime.bigint()`) on `original` (or on a
 * request the contract could not read) received as `req`.
 *
 * @example
 * ```ts
 * const started = process.hrtime.bigint()
 * const decision = await decide(deps, original)
 * record('traefik', req, original, decision, started)
 * ```
 */
export type RecordDecision = (
  contract: Contract,
  req: IncomingMessage,
  original: OriginalRequest | ContractProblem,
  decision: Decision,
  started: bigint,
) => void

/**
 * The {@link RecordDecision} of a gateway: into `metrics`, and at `info` into `logger`.
 *
 * @example
 * ```ts
 * const record = decisionRecorder(new GatewayMetrics(), createLogger('info'))
 * ```
 */
export function decisionRecorder(metrics: GatewayMetrics, logger: Logger): RecordDecision {
  return (contract, req, original, decision, started) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    metrics.decision(contract, decision, seconds)
    if (!logger.isLevelEnabled('info')) return
    const known = !isProblem(original)
    logger.info(
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
}
