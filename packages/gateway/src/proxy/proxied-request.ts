/**
 * A request the reverse proxy received, read as the original request the rules judge and as
 * how it is forwarded once allowed. The host is a trusted hop's `X-Forwarded-Host`, else the
 * authority of an absolute-form target (RFC 9112 §3.2.2: then `Host` is ignored), else `Host`;
 * a request with two `Host` headers (RFC 9112 §3.2) or a target of another form is refused.
 * The upstream gets the canonical path the rules judged, never the client's spelling of it.
 */
import { peerCertificate } from '@bearerguard/core/adapter'
import type { IncomingMessage } from 'node:http'
import {
  firstValue,
  isProblem,
  originalRequest,
  requestHeaders,
  type ContractProblem,
  type OriginalRequest,
} from '../contracts/original-request.js'
import type { FormBody } from './form-body.js'
import type { ForwardOptions } from './reverse-proxy.js'

/**
 * How an allowed request is forwarded, but for the identity headers its decision adds.
 *
 * @example
 * ```ts
 * await reverse.forward(req, res, { ...forward, identity: decision.headers })
 * ```
 */
export type Forward = Omit<ForwardOptions, 'identity'>

/**
 * A proxied request: what to decide on, and how to forward it (undefined exactly when
 * `original` is a problem, which is always denied).
 *
 * @example
 * ```ts
 * const { original, forward }: ProxiedRequest = proxiedRequest(req, trusted(req), form)
 * ```
 */
export interface ProxiedRequest {
  original: OriginalRequest | ContractProblem
  forward: Forward | undefined
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
 * Reads a request the reverse proxy received; `trusted` says whether its peer is a trusted
 * proxy (whose `X-Forwarded-Proto` and `-Host` count), `form` is its form body if one was read.
 *
 * @example
 * ```ts
 * const { original, forward } = proxiedRequest(req, false, undefined)
 * const decision = isProblem(original) ? problemDecision(original) : await decide(deps, original)
 * ```
 */
export function proxiedRequest(
  req: IncomingMessage,
  trusted: boolean,
  form: FormBody | undefined,
): ProxiedRequest {
  const target = requestTarget(req.url ?? '/')
  if (!target) return { original: BAD_TARGET, forward: undefined }
  if (countHeader(req.rawHeaders, 'host') > 1) return { original: TWO_HOSTS, forward: undefined }
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

/**
 * The path-and-query of a request target, and the authority of an absolute-form one
 * (`GET http://api.example.com/orders HTTP/1.1`); undefined for any other form.
 *
 * @example
 * ```ts
 * requestTarget('http://api.example.com/orders?page=2') // { authority: 'api.example.com', uri: '/orders?page=2' }
 * requestTarget('*') // undefined
 * ```
 */
export function requestTarget(url: string): { uri: string; authority?: string } | undefined {
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
