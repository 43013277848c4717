/**
 * The framework-neutral request every adapter hands to the guard.
 *
 * @example
 * ```ts
 * const request: RequestLike = {
 *   method: 'GET',
 *   url: 'https://api.example.com/orders?page=2',
 *   headers: { authorization: 'Bearer eyJ…' },
 * }
 * ```
 */
export interface RequestLike {
  /** HTTP method, e.g. `GET`. */
  method: string
  /** The absolute request URL (or at least path and query). */
  url: string
  /**
   * The request target as sent — path and query — when the adapter has it at hand: the query
   * is read from it (RFC 6750 §2.3) without building the absolute `url`, which then only DPoP's
   * `htu` check needs.
   */
  target?: string
  /** Lower-cased header names; a header sent several times may be an array. */
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** The parsed body when there is one (form fields for `application/x-www-form-urlencoded`). */
  body?: unknown
  /**
   * The DER client certificate of the TLS connection, if the client presented one (RFC 8705);
   * called only for certificate-bound tokens. Adapters fill it from the socket.
   */
  clientCertificate?: () => Uint8Array | undefined
}

/** Reads one header; several values are returned as an array. */
export function headerValues(request: RequestLike, name: string): string[] {
  const value = request.headers[name]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/**
 * `headers` with every `Authorization` and `DPoP` value the client sent, read from the raw
 * header list. Node keeps only the first of two `Authorization` headers and joins two `DPoP`
 * headers with ", ", so a request carrying two credentials would pass as one; with the
 * values kept apart the guard refuses it (RFC 6750 §2: one method, one token; RFC 9449 §4.3:
 * one proof). Returns `headers` itself, unchanged, in the usual case of one of each.
 *
 * @example
 * ```ts
 * const request: RequestLike = { method, url, headers: withRepeatedCredentials(req.headers, req.rawHeaders) }
 * ```
 */
export function withRepeatedCredentials(
  headers: RequestLike['headers'],
  rawHeaders: readonly string[],
): RequestLike['headers'] {
  let authorization: string[] | undefined
  let dpop: string[] | undefined
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      ;(authorization ??= []).push(rawHeaders[i + 1] as string)
    } else if (name.length === 4 && name.toLowerCase() === 'dpop') {
      ;(dpop ??= []).push(rawHeaders[i + 1] as string)
    }
  }
  if ((authorization?.length ?? 0) < 2 && (dpop?.length ?? 0) < 2) return headers
  const copy = { ...headers }
  if (authorization && authorization.length > 1) copy.authorization = authorization
  if (dpop && dpop.length > 1) copy.dpop = dpop
  return copy
}

/**
 * The DER certificate a client presented on a TLS connection (RFC 8705), or undefined (plain
 * HTTP, or no certificate): what adapters put behind `RequestLike.clientCertificate`.
 *
 * @example
 * ```ts
 * const request: RequestLike = { method, url, headers, clientCertificate: () => peerCertificate(req.socket) }
 * ```
 */
export function peerCertificate(socket: unknown): Uint8Array | undefined {
  const tls = socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Uint8Array } | null }
  if (typeof tls?.getPeerCertificate !== 'function') return undefined
  const raw = tls.getPeerCertificate(false)?.raw
  return raw && raw.length > 0 ? raw : undefined
}
