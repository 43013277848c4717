/**
 * A request target the runtime read differently from how it was sent. `@hono/node-server`
 * hands Hono a WHATWG URL, whose parser resolves encoded dot segments (`/api/me/%2e%2e/admin`
 * becomes `/api/admin`) — a spelling a proxy in front may have read as another path. As
 * everywhere in bearerguard, such a request is refused rather than guessed: when the path sent
 * and the path Hono routes on differ, core's `canonicalPath` judges the one sent. Elsewhere
 * (Bun, Deno, Workers) the runtime gives Hono only its own reading, which Hono routes on.
 */
import { canonicalPath } from '@bearerguard/core/adapter'
import type { Context } from 'hono'
import { nodeIncoming } from './to-request-like.js'

/**
 * Why the path of this request is refused (a client-safe sentence), or undefined: only when
 * the target sent holds an escape, the runtime's path differs from it, and `canonicalPath`
 * refuses the one sent.
 *
 * @example
 * ```ts
 * const reason = ambiguousTarget(c)
 * if (reason) throw new AuthException(new InvalidRequestError(reason))
 * ```
 */
export function ambiguousTarget(c: Context): string | undefined {
  const target = nodeIncoming(c.env)?.url
  if (target === undefined || target[0] !== '/' || !target.includes('%')) return undefined
  const sent = pathOf(target)
  const url = c.req.raw.url
  if (sent === pathOf(url.slice(url.indexOf('/', url.indexOf('//') + 2)))) return undefined
  const canonical = canonicalPath(sent)
  return canonical.ok ? undefined : canonical.reason
}

function pathOf(target: string): string {
  const end = target.search(/[?#]/)
  return end === -1 ? target : target.slice(0, end)
}
