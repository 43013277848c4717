/**
 * The gateway's one render path: every denial — a decision's (rendered by core's `renderError`
 * or a rule's or contract's refusal), a 503 while shutting down, the 500 of a bug, a 404 — is
 * written by {@link sendDenial}, on a response or on the raw socket of an upgrade, with the
 * same status, headers and JSON body. {@link sendJson} is the JSON writer beneath it, which the
 * operations endpoints use too.
 */
import type { Rendering } from '@bearerguard/core/adapter'
import type { ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { writeRaw } from './proxy/write-raw.js'

/**
 * Sends a denial: its status, its headers (`WWW-Authenticate`, `Retry-After`, …) and its JSON
 * body, never cached. `denial` is a denying `Decision` or anything of the same shape (core's
 * `Rendering`); `to` is the response, or the raw socket of an upgrade (then the connection is
 * closed after it).
 *
 * @example
 * ```ts
 * const decision = await decide(deps, original)
 * if (!decision.allow) return sendDenial(res, decision)
 * ```
 */
export function sendDenial(to: ServerResponse | Duplex, denial: Rendering): void {
  // a response (any with writeHead: node:http's, or a compatible one), else an upgrade's socket
  if ('writeHead' in to) sendJson(to, denial.status, denial.body, denial.headers)
  else writeRaw(to, denial.status, denial.headers, denial.body)
}

/**
 * Answers with `body` as JSON (`Content-Length` set, `Cache-Control: no-store`), after
 * `headers`.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { status: 'ok' })
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  })
  res.end(text)
}
