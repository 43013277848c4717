/**
 * The example's MCP tools and the scope each one needs. `TOOL_SCOPES` is the one place that
 * says so: the HTTP layer enforces it (403 insufficient_scope) and the metadata advertises it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'

/** Scopes required by each tool (none: any valid token). */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  whoami: [],
  list_orders: ['orders:read'],
  create_order: ['orders:write'],
}

interface Order {
  id: number
  item: string
  quantity: number
  by: string | undefined
}

/** A new MCP server with the three tools, over one shared list of orders. */
export function createMcpServer(orders: Order[]): McpServer {
  const server = new McpServer({ name: 'bearerguard-orders', version: '1.0.0' })

  server.registerTool(
    'whoami',
    { description: 'Who the access token says you are (any valid token)' },
    (extra) => {
      // extra.authInfo is bearerguard's req.auth, as the SDK's AuthInfo
      const auth = extra.authInfo
      const identity = {
        subject: auth?.extra?.subject,
        clientId: auth?.clientId,
        scopes: auth?.scopes,
      }
      return { content: [{ type: 'text', text: JSON.stringify(identity) }] }
    },
  )

  server.registerTool(
    'list_orders',
    { description: 'List the orders (needs orders:read)' },
    () => ({ content: [{ type: 'text', text: JSON.stringify(orders) }] }),
  )

  server.registerTool(
    'create_order',
    {
      description: 'Place an order (needs orders:write)',
      inputSchema: { item: z.string().min(1), quantity: z.number().int().positive() },
    },
    ({ item, quantity }, extra) => {
      const subject = extra.authInfo?.extra?.subject
      const order: Order = {
        id: orders.length + 1,
        item,
        quantity,
        by: typeof subject === 'string' ? subject : undefined,
      }
      orders.push(order)
      return { content: [{ type: 'text', text: JSON.stringify(order) }] }
    },
  )
  return server
}
