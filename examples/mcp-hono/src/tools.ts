/**
 * The MCP tools of the example and the scopes each one needs. `TOOL_SCOPES` is read in two
 * places: the app refuses a `tools/call` whose token lacks the tool's scopes (403
 * insufficient_scope), and the RFC 9728 metadata lists them as `scopes_supported`.
 *
 * Nothing here depends on Node: the module runs wherever the app does (Bun, Deno, Workers).
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'

/** The scopes each tool needs; an empty list: any valid token. */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  whoami: [],
  list_orders: ['orders:read'],
  create_order: ['orders:write'],
}

/** An order, with the subject of the token that placed it. */
export interface Order {
  id: number
  item: string
  quantity: number
  by: string | undefined
}

/** The token's subject, which bearerguard's `toMcpAuthInfo()` puts in `extra.subject`. */
function subjectOf(auth: AuthInfo | undefined): string | undefined {
  const subject = auth?.extra?.subject
  return typeof subject === 'string' ? subject : undefined
}

const json = (value: unknown) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(value) }],
})

/**
 * A new MCP server with the three tools, over `orders` (shared between requests). The caller
 * reaches each tool as `extra.authInfo`: the app hands the transport `c.get('auth')`.
 */
export function createMcpServer(orders: Order[]): McpServer {
  const server = new McpServer({ name: 'bearerguard-orders-hono', version: '1.0.0' })

  server.registerTool(
    'whoami',
    { description: 'The caller, as the access token names it (any valid token)' },
    ({ authInfo }) =>
      json({
        subject: subjectOf(authInfo),
        clientId: authInfo?.clientId,
        scopes: authInfo?.scopes,
      }),
  )

  server.registerTool(
    'list_orders',
    { description: 'The orders, yours marked as such (needs orders:read)' },
    ({ authInfo }) => {
      const caller = subjectOf(authInfo)
      return json(
        orders.map((order) => ({ ...order, mine: caller !== undefined && order.by === caller })),
      )
    },
  )

  server.registerTool(
    'create_order',
    {
      description: 'Place an order in your name (needs orders:write)',
      inputSchema: { item: z.string().min(1), quantity: z.number().int().positive() },
    },
    ({ item, quantity }, { authInfo }) => {
      const order: Order = { id: orders.length + 1, item, quantity, by: subjectOf(authInfo) }
      orders.push(order)
      return json(order)
    },
  )
  return server
}
