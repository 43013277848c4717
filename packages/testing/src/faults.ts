/**
 * Injected faults: broken answers an issuer can give instead of the real one, for outage tests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PendingTimers } from './pending-timers.js'
import { sendJson, sendText } from './responses.js'
import type { EndpointName } from './routes.js'

/**
 * A fault to inject into an endpoint's answers.
 *
 * - `status`: that status; `body` as given (`text/plain` unless `contentType`), or a JSON error.
 * - `html`: 200 with a `text/html` page (a captive portal or a proxy error page).
 * - `invalid-json`: 200, `application/json`, a body that is not JSON.
 * - `slow`: the normal answer, after `delayMs` (cancelled by `close()`).
 * - `hang`: never answers; the connection is closed by `close()`.
 * - `huge`: 200, `application/json`, streams `bytes` bytes of a JSON-looking body (chunked,
 *   unless `contentLength: true`).
 * - `redirect`: `status` (default 302) with a `Location` header.
 * - `reset`: destroys the socket (TCP RST) without answering.
 *
 * @example
 * ```ts
 * issuer.fault('jwks', { type: 'status', status: 503 })
 * issuer.fault('discovery', { type: 'slow', delayMs: 2_000 })
 * issuer.fault('all', { type: 'reset' })
 * issuer.fault('jwks', undefined) // clear
 * ```
 */
export type Fault =
  | { type: 'status'; status: number; body?: string; contentType?: string }
  | { type: 'html' }
  | { type: 'invalid-json' }
  | { type: 'slow'; delayMs: number }
  | { type: 'hang' }
  | { type: 'huge'; bytes: number; contentLength?: boolean }
  | { type: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  | { type: 'reset' }

/**
 * Where a fault applies: one endpoint, or `'all'` (every request, unknown paths included).
 *
 * @example
 * ```ts
 * const where: FaultEndpoint = 'all'
 * issuer.fault(where, { type: 'hang' })
 * ```
 */
export type FaultEndpoint = EndpointName | 'all'

/**
 * Options of `issuer.fault()`.
 *
 * @example
 * ```ts
 * // The next JWKS request fails, the following ones succeed:
 * issuer.fault('jwks', { type: 'status', status: 500 }, { times: 1 })
 * ```
 */
export interface FaultOptions {
  /** Apply the fault to this many requests, then clear it (default: until cleared). */
  times?: number
}

function assertValidFault(fault: Fault): void {
  const fail = (message: string): never => {
    throw new RangeError(`Invalid ${fault.type} fault: ${message}`)
  }
  switch (fault.type) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
        fail('status must be an integer from 200 to 599')
      }
      return
    case 'slow':
      if (!Number.isFinite(fault.delayMs) || fault.delayMs < 0) fail('delayMs must be >= 0')
      return
    case 'huge':
      if (!Number.isSafeInteger(fault.bytes) || fault.bytes < 0) fail('bytes must be >= 0')
      return
    case 'redirect':
      if (typeof fault.location !== 'string') fail('location must be a string')
      return
    case 'html':
    case 'invalid-json':
    case 'hang':
    case 'reset':
      return
    default:
      throw new TypeError(`Unknown fault type "${(fault as { type: unknown }).type}"`)
  }
}

interface ActiveFault {
  readonly fault: Fault
  remaining: number
}

/**
 * The faults currently injected into an issuer.
 *
 * `set('all', fault)` replaces every endpoint's fault with `fault`; `set('all', undefined)` clears
 * every fault. `set(endpoint, fault)` takes precedence over an `'all'` fault for that endpoint;
 * `set(endpoint, undefined)` clears that endpoint's own fault only.
 *
 * @example
 * ```ts
 * const faults = new FaultTable()
 * faults.set('jwks', { type: 'hang' })
 * faults.take('jwks') // { type: 'hang' }
 * ```
 */
export class FaultTable {
  #active = new Map<FaultEndpoint, ActiveFault>()

  set(endpoint: FaultEndpoint, fault: Fault | undefined, options: FaultOptions = {}): void {
    if (endpoint === 'all') this.#active.clear()
    if (fault === undefined) {
      this.#active.delete(endpoint)
      return
    }
    assertValidFault(fault)
    const times = options.times ?? Number.POSITIVE_INFINITY
    if (!(times >= 1)) throw new RangeError('times must be at least 1')
    this.#active.set(endpoint, { fault: { ...fault }, remaining: times })
  }

  /** The fault for one request to `endpoint` (`undefined` for unknown paths), consuming a use. */
  take(endpoint: EndpointName | undefined): Fault | undefined {
    const key = endpoint !== undefined && this.#active.has(endpoint) ? endpoint : 'all'
    const active = this.#active.get(key)
    if (active === undefined) return undefined
    active.remaining -= 1
    if (active.remaining <= 0) this.#active.delete(key)
    return active.fault
  }
}

const HTML_PAGE =
  '<!doctype html>\n<html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The upstream server is down for maintenance.</p></body></html>\n'

const INVALID_JSON = '{"keys":[{"kty":"RSA","kid":"truncated",'

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

async function streamHugeBody(res: ServerResponse, bytes: number, contentLength: boolean) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (contentLength) headers['content-length'] = String(bytes)
  res.writeHead(200, headers)
  const head = '{"keys":[{"kty":"oct","kid":"huge","k":"'
  const tail = '"}]}'
  if (bytes <= head.length + tail.length) {
    res.end((head + tail).slice(0, bytes))
    return
  }
  res.write(head)
  let remaining = bytes - head.length - tail.length
  const chunk = Buffer.alloc(Math.min(remaining, 64 * 1024), 'A')
  while (remaining > 0) {
    if (res.destroyed) return
    const size = Math.min(remaining, chunk.length)
    remaining -= size
    if (!res.write(chunk.subarray(0, size))) await waitForDrain(res)
  }
  if (!res.destroyed) res.end(tail)
}

/**
 * Answers (or refuses to answer) a request according to `fault`. Resolves `'continue'` when the
 * request must still get its normal answer (a `slow` fault whose delay elapsed), `'handled'`
 * otherwise.
 *
 * @example
 * ```ts
 * if ((await applyFault(fault, req, res, timers)) === 'continue') await route.handle(request)
 * ```
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  timers: PendingTimers,
): Promise<'continue' | 'handled'> {
  switch (fault.type) {
    case 'status':
      if (fault.body === undefined) {
        sendJson(res, fault.status, { error: 'injected_fault', status: fault.status })
      } else {
        sendText(res, fault.status, fault.contentType ?? 'text/plain; charset=utf-8', fault.body)
      }
      return 'handled'
    case 'html':
      sendText(res, 200, 'text/html; charset=utf-8', HTML_PAGE)
      return 'handled'
    case 'invalid-json':
      sendText(res, 200, 'application/json', INVALID_JSON)
      return 'handled'
    case 'slow':
      return (await timers.delay(fault.delayMs, res)) ? 'continue' : 'handled'
    case 'hang':
      return 'handled'
    case 'huge':
      await streamHugeBody(res, fault.bytes, fault.contentLength ?? false)
      return 'handled'
    case 'redirect':
      res.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': '0' })
      res.end()
      return 'handled'
    case 'reset':
      req.socket.resetAndDestroy()
      return 'handled'
  }
}
