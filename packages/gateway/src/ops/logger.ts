/**
 * JSON logs with pino. The gateway logs one line per decision (method, host, path without
 * query, status, result, reason, rule, subject, duration) and never a header: a token cannot
 * reach the log. Credential headers are redacted as well, should anything log a request.
 */
import { pino, type DestinationStream, type Logger } from 'pino'
import { stdoutSink } from './stdout-destination.js'

/**
 * Paths pino censors in every log line.
 *
 * @example
 * ```ts
 * pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } })
 * ```
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers.dpop',
  'headers["proxy-authorization"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.dpop',
  'req.headers["proxy-authorization"]',
  'token',
  'auth.token',
]

/**
 * A pino logger writing JSON lines to `destination`; by default to stdout through a sink that
 * neither blocks nor holds the process at exit when stdout's reader is gone or stalled (not
 * pino's sonic-boom: see `ops/stdout-destination.ts`).
 *
 * @example
 * ```ts
 * const logger = createLogger('info')
 * logger.info({ path: '/orders' }, 'decision')
 * ```
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'bearerguard-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  return pino(options, destination ?? stdoutSink())
}

/**
 * The path of a request URL for logs: the query string (which may hold `access_token`) is
 * left out.
 *
 * @example
 * ```ts
 * pathForLog('/orders?access_token=abc') // '/orders'
 * ```
 */
export function pathForLog(url: string): string {
  const q = url.search(/[?#]/)
  return q === -1 ? url : url.slice(0, q)
}
