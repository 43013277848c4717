/**
 * The original request a proxy asks about, rebuilt from what the proxy sends: method, absolute
 * URL and the client's headers, as `@bearerguard/core` expects them (DPoP's `htm`/`htu` are
 * checked against exactly this method and URL).
 */
import type { RequestLike } from '@bearerguard/core'
import { canonicalPath, withRepeatedCredentials } from '@bearerguard/core/adapter'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/**
 * The request to decide on.
 *
 * @example
 * ```ts
 * const original: OriginalRequest = {
 *   request: { method: 'GET', url: 'https://api.example.com/orders?page=2', headers },
 *   host: 'api.example.com',
 *   path: '/orders',
 * }
 * ```
 */
export interface OriginalRequest {
  /** What the guard sees. */
  request: RequestLike
  /**
   * Host (and port, if any) of the original request, lower-cased and without a trailing dot
   * (`API.example.com.` is `api.example.com`, as nginx and DNS read it).
   */
  host: string
  /**
   * The canonical path (core's `canonicalPath`: unreserved escapes decoded, slashes merged, dot
   * segments resolved) the rules are matched against, and the one proxy mode forwards.
   */
  path: string
  /** The query string as sent, with its `?`, or `''`. */
  query: string
}

/**
 * A decision request the contract cannot make sense of (missing or malformed forwarded
 * headers, an untrusted hop): answered without asking the guard.
 *
 * @example
 * ```ts
 * const problem: ContractProblem = { status: 400, reason: 'bad_forwarded', description: 'X-Original-URI is missing' }
 * ```
 */
export interface ContractProblem {
  status: 400 | 403
  /**
   * `bad_forwarded`: the forwarded parts are missing or garbled; `ambiguous_path`: the path is
   * spelled in a way servers read differently (core's `canonicalPath` refuses it);
   * `ambiguous_request`: the request has two `Host` headers; `untrusted_hop`: the peer is not
   * a trusted proxy.
   */
  reason: 'bad_forwarded' | 'ambiguous_path' | 'ambiguous_request' | 'untrusted_hop'
  description: string
}

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** A host name of non-empty labels (one trailing dot allowed) or an IP literal, and a port. */
const HOST = /^(?:(?:[A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * The headers of a decision or proxied request as the guard reads them: Node's, with every
 * `Authorization` and `DPoP` value kept apart (two of either are refused).
 *
 * @example
 * ```ts
 * originalRequest({ ..., headers: requestHeaders(req) })
 * ```
 */
export function requestHeaders(req: IncomingMessage): IncomingHttpHeaders {
  return withRepeatedCredentials(req.headers, req.rawHeaders) as IncomingHttpHeaders
}

/** The first value of a header a proxy may have sent as a comma-separated list. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  const first = raw?.split(',')[0]?.trim()
  return first === '' ? undefined : first
}

/**
 * Builds the {@link OriginalRequest}, or the problem with the parts given.
 *
 * @example
 * ```ts
 * originalRequest({ method: 'GET', proto: 'https', host: 'api.example.com', uri: '/orders', headers: req.headers })
 * ```
 */
export function originalRequest(parts: {
  method: string | undefined
  proto: string | undefined
  host: string | undefined
  uri: string | undefined
  headers: IncomingHttpHeaders
  body?: unknown
  /** The client's TLS certificate, when the gateway's peer is the client itself. */
  clientCertificate?: () => Uint8Array | undefined
  /** Names of the headers the values came from, for the problem's description. */
  names: { method: string; proto: string; host: string; uri: string }
}): OriginalRequest | ContractProblem {
  const bad = (description: string): ContractProblem => ({
    status: 400,
    reason: 'bad_forwarded',
    description,
  })
  const { method, proto, host, uri, names } = parts
  if (!method || !METHOD.test(method)) return bad(`${names.method} is missing or not a method`)
  const scheme = (proto ?? 'http').toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return bad(`${names.proto} must be http or https`)
  if (!host || !HOST.test(host)) return bad(`${names.host} is missing or not a host`)
  if (!uri || !uri.startsWith('/') || /[\s#]/.test(uri)) {
    return bad(`${names.uri} is missing or not a path`)
  }
  const q = uri.indexOf('?')
  const canonical = canonicalPath(q === -1 ? uri : uri.slice(0, q))
  if (!canonical.ok) {
    return { status: 400, reason: 'ambiguous_path', description: canonical.reason }
  }
  const url = `${scheme}://${host}${uri}`
  if (!URL.canParse(url)) return bad(`${names.uri} and ${names.host} do not make a URL`)
  const request: RequestLike = { method: method.toUpperCase(), url, headers: parts.headers }
  if (parts.body !== undefined) request.body = parts.body
  if (parts.clientCertificate) request.clientCertificate = parts.clientCertificate
  return {
    request,
    host: host.toLowerCase().replace(/\.(?=(?::\d+)?$)/, ''),
    path: canonical.path,
    query: q === -1 ? '' : uri.slice(q),
  }
}

/** True when `value` is a {@link ContractProblem}. */
export function isProblem(value: OriginalRequest | ContractProblem): value is ContractProblem {
  return 'reason' in value
}

/** The problem of a decision request from a peer outside `trustedProxies`. */
export const UNTRUSTED_HOP: ContractProblem = {
  status: 403,
  reason: 'untrusted_hop',
  description: 'Decision requests are answered only for trusted proxies',
}
