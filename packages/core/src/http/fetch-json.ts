/**
 * The one way core talks to an authorization server: a GET or POST with a timeout, a response
 * size cap, no redirects, and a JSON body that must be an object. Any failure becomes an
 * {@link UpstreamError} (never a library's message), which callers turn into a 503.
 * Written here because no fetch wrapper offers a streamed size cap together with a custom,
 * user-supplied `fetch`.
 */
import { unrefTimer } from '../platform/unref-timer.js'

/**
 * The `fetch` signature core relies on (the platform's, or a user's).
 *
 * @example
 * ```ts
 * import { fetch as undiciFetch, ProxyAgent } from 'undici'
 * const proxied: FetchLike = (input, init) =>
 *   undiciFetch(input, { ...init, dispatcher: new ProxyAgent('http://proxy:3128') }) as unknown as Promise<Response>
 * createGuard({ issuer, audience, fetch: proxied })
 * ```
 */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>

/**
 * Why a call to the authorization server failed (an `UpstreamError`'s reason, a failed
 * call's {@link UpstreamResult}).
 *
 * @example
 * ```ts
 * const failure: UpstreamFailure = 'not_json'
 * ```
 */
export type UpstreamFailure =
  | 'network'
  | 'timeout'
  | 'status'
  | 'redirect'
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'invalid_document'
  | 'client_auth'

/** Why a call to the authorization server failed; `reason` is safe to log, never to send. */
export class UpstreamError extends Error {
  constructor(
    readonly reason: UpstreamFailure,
    readonly url: string,
    readonly httpStatus?: number,
  ) {
    super(`upstream ${reason}${httpStatus ? ` (${httpStatus})` : ''}`)
    this.name = 'UpstreamError'
  }
}

/**
 * What core calls an authorization server for: each has its spans, counters and circuit.
 *
 * @example
 * ```ts
 * const purpose: UpstreamPurpose = 'jwks'
 * ```
 */
export type UpstreamPurpose = 'discovery' | 'jwks' | 'introspection'

/**
 * A call's result as telemetry reports it: `ok`, why it failed (a network error, a timeout, an
 * error status, a redirect, a body too large, not JSON, not an object, a document that fails
 * its checks, client credentials that could not be made), or `error` for anything else.
 *
 * @example
 * ```ts
 * const result: UpstreamResult = 'timeout'
 * ```
 */
export type UpstreamResult = 'ok' | UpstreamFailure | 'error'

/**
 * Told of every call to an authorization server and of every change of an endpoint's circuit
 * (telemetry; see telemetry/). `call` must run `run` exactly once and hand back its outcome.
 */
export interface UpstreamObserver {
  call<T>(purpose: UpstreamPurpose, url: string, method: string, run: () => Promise<T>): Promise<T>
  circuit(purpose: UpstreamPurpose, endpoint: string, state: 'closed' | 'open' | 'half-open'): void
}

export interface FetchJsonOptions {
  fetch: FetchLike
  /** Told of each call made with these options (the guard's telemetry), if any. */
  observer?: UpstreamObserver
  /** Milliseconds for the whole exchange, body included. */
  timeout: number
  /** Bytes; larger bodies are refused while streaming. */
  maxBytes: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

/**
 * Runs `run` — one exchange with the endpoint `url`, checks of its answer included — as a call
 * the options' observer is told of (a span, a counter by result), or simply runs it.
 *
 * @example
 * ```ts
 * const jwks = await observed(http, 'jwks', uri, 'GET', () => fetchJson(uri, http))
 * ```
 */
export function observed<T>(
  options: FetchJsonOptions,
  purpose: UpstreamPurpose,
  url: string,
  method: string,
  run: () => Promise<T>,
): Promise<T> {
  const observer = options.observer
  return observer ? observer.call(purpose, url, method, run) : run()
}

/**
 * Fetches `url` and returns its body as text, within `timeout` ms and `maxBytes` bytes. Only a
 * 200 answer counts; redirects are not followed.
 *
 * @example
 * ```ts
 * const { text, headers } = await fetchText('https://as.example.com/introspect', { fetch, timeout: 3000, maxBytes: 65536, method: 'POST', body })
 * ```
 */
export async function fetchText(
  url: string,
  options: FetchJsonOptions,
): Promise<{ status: number; text: string; headers: Headers }> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), options.timeout)
  unrefTimer(timer)
  try {
    let response: Response
    try {
      response = await options.fetch(url, {
        method: options.method ?? 'GET',
        headers: { accept: 'application/json', ...options.headers },
        body: options.body,
        redirect: 'manual',
        signal: controller.signal,
      })
    } catch {
      throw new UpstreamError(controller.signal.aborted ? 'timeout' : 'network', url)
    }
    const { status } = response
    if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
      await discard(response)
      throw new UpstreamError('redirect', url, status)
    }
    if (status !== 200) {
      await discard(response)
      throw new UpstreamError('status', url, status)
    }
    const text = await readCapped(response, options.maxBytes, controller, url)
    return { status, text, headers: response.headers }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Fetches `url` and parses its JSON object body, within `timeout` ms and `maxBytes` bytes.
 *
 * @example
 * ```ts
 * const doc = await fetchJson('https://as.example.com/jwks', { fetch, timeout: 5000, maxBytes: 256 * 1024 })
 * ```
 */
export async function fetchJson(
  url: string,
  options: FetchJsonOptions,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const { status, text, headers } = await fetchText(url, options)
  return { status, body: parseJsonObject(text, url), headers }
}

/** Parses a JSON object, or throws {@link UpstreamError}. */
export function parseJsonObject(text: string, url: string): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new UpstreamError('not_json', url)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UpstreamError('not_object', url)
  }
  return body as Record<string, unknown>
}

async function readCapped(
  response: Response,
  maxBytes: number,
  controller: AbortController,
  url: string,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort()
    throw new UpstreamError('too_large', url, response.status)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const utf8 = new TextDecoder('utf-8') // invalid sequences become U+FFFD
  let text = ''
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        controller.abort()
        throw new UpstreamError('too_large', url, response.status)
      }
      text += utf8.decode(value, { stream: true })
    }
  } catch (err) {
    if (err instanceof UpstreamError) throw err
    throw new UpstreamError(controller.signal.aborted ? 'timeout' : 'network', url)
  } finally {
    reader.releaseLock()
  }
  return text + utf8.decode()
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel()
  } catch {
    // the body is of no interest; a failure to drain it changes nothing
  }
}
