/**
 * The identity in the shape the MCP TypeScript SDK (`@modelcontextprotocol/sdk`) reads from
 * `req.auth` and hands to tool handlers as `extra.authInfo`. Ours has every field it has but
 * one difference: the SDK requires `clientId`, ours has it only when the token names a client.
 * Defined structurally here, so core does not depend on the SDK.
 */
import type { AuthInfo } from './auth-info.js'

/**
 * The MCP SDK's `AuthInfo` (`@modelcontextprotocol/sdk/server/auth/types.js`), structurally.
 *
 * @example
 * ```ts
 * const info: McpAuthInfo = { token, clientId: 'app', scopes: ['tools:read'], expiresAt: 1760000000 }
 * ```
 */
export interface McpAuthInfo {
  token: string
  clientId: string
  scopes: string[]
  expiresAt?: number
  resource?: URL
  extra?: Record<string, unknown>
}

/**
 * Our {@link AuthInfo} made assignable to the MCP SDK's: a copy with `clientId` always a
 * string (`''` when the token names no client) and `extra` holding `subject`, `issuer`,
 * `audience`, `format` and `claims` (so tool handlers, which see the SDK's type, can read
 * them). Every field of ours is kept.
 *
 * @example
 * ```ts
 * ctx.req.auth = toMcpAuthInfo(ctx.state.auth) // Koa, before transport.handleRequest(ctx.req, ctx.res)
 * ```
 */
export function toMcpAuthInfo(auth: AuthInfo): AuthInfo & McpAuthInfo
export function toMcpAuthInfo(auth: AuthInfo | undefined): (AuthInfo & McpAuthInfo) | undefined
export function toMcpAuthInfo(auth: AuthInfo | undefined): (AuthInfo & McpAuthInfo) | undefined {
  if (!auth) return undefined
  return {
    ...auth,
    clientId: auth.clientId ?? '',
    extra: {
      subject: auth.subject,
      issuer: auth.issuer,
      audience: auth.audience,
      format: auth.format,
      claims: auth.claims,
    },
  }
}
