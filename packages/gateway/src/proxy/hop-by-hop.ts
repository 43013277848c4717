/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded: the
 * fixed list, and every name listed in `Connection`.
 */
import type { IncomingHttpHeaders } from 'node:http'

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // answered by the gateway's own server, never passed on
  'expect',
  'http2-settings',
])

/**
 * A copy of `headers` without hop-by-hop headers, and without any name `drop` says to drop.
 *
 * @example
 * ```ts
 * withoutHopByHop({ connection: 'x-secret', 'x-secret': '1', accept: '*\/*' }) // { accept: '*\/*' }
 * ```
 */
export function withoutHopByHop(
  headers: IncomingHttpHeaders | Record<string, string | string[] | number | undefined>,
  drop: (name: string) => boolean = () => false,
): Record<string, string | string[]> {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  )
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || drop(lower)) continue
    out[lower] = typeof value === 'number' ? String(value) : value
  }
  return out
}
