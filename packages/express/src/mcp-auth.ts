/** `withMcpAuth()`: hands `req.auth` to the MCP SDK's transports with the SDK's type. */
import { toMcpAuthInfo, type AuthInfo, type McpAuthInfo } from '@bearerguard/core'
import type { Request } from 'express'

/**
 * Returns `req`, its `req.auth` replaced by a copy the MCP SDK's `AuthInfo` type accepts
 * (`clientId` always a string, `''` when the token names none; `extra` holding subject,
 * issuer, audience, format and claims; every field of ours kept). Pass the result to
 * `transport.handleRequest()`: tool handlers receive it as `extra.authInfo`.
 *
 * @example
 * ```ts
 * app.post('/mcp', bearerAuth(guard), async (req, res) => {
 *   await transport.handleRequest(withMcpAuth(req), res, req.body)
 * })
 * ```
 */
export function withMcpAuth<R extends Request>(req: R): R & { auth?: AuthInfo & McpAuthInfo } {
  const out = req as R & { auth?: AuthInfo & McpAuthInfo }
  if (req.auth) out.auth = toMcpAuthInfo(req.auth)
  return out
}
