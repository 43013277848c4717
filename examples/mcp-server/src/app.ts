/**
 * An MCP server over streamable HTTP (stateless: one MCP server and transport per request),
 * protected by bearerguard: RFC 9728 metadata at the well-known paths, a 401 whose challenge
 * names it, and scopes per tool enforced at the HTTP layer (403 insufficient_scope with the
 * scope the tool needs, so a client can ask for it, as the MCP authorization spec describes).
 */
import {
  authErrorHandler,
  bearerAuth,
  protectedResourceMetadata,
  withMcpAuth,
  type Guard,
} from '@bearerguard/express'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import express, { type RequestHandler } from 'express'
import { createMcpServer, TOOL_SCOPES } from './tools.js'

/** Builds the app around a guard created with `resourceMetadata` and `resource` = the /mcp URL. */
export function createApp(guard: Guard): express.Express {
  const orders = [{ id: 1, item: 'coffee beans', quantity: 2, by: 'alice' as string | undefined }]
  const app = express()

  // GET /.well-known/oauth-protected-resource/mcp (and the bare path), scopes from the tools
  app.use(protectedResourceMetadata(guard, { scopes: Object.values(TOOL_SCOPES).flat() }))

  app.post('/mcp', bearerAuth(guard), express.json(), toolScopes(guard), async (req, res, next) => {
    try {
      const server = createMcpServer(orders)
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      })
      res.on('close', () => {
        void transport.close()
        void server.close()
      })
      await server.connect(transport)
      await transport.handleRequest(withMcpAuth(req), res, req.body)
    } catch (error) {
      next(error)
    }
  })

  // Stateless: no server-sent event stream to open and no session to end.
  app.all('/mcp', bearerAuth(guard), (_req, res) => {
    res
      .status(405)
      .set('allow', 'POST')
      .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed' }, id: null })
  })

  app.use(authErrorHandler())
  return app
}

/**
 * Checks every `tools/call` in the JSON-RPC body (one message or a batch) against the tool's
 * scopes: a token without them gets 403 `insufficient_scope`, `scope="<the tool's scopes>"`.
 * Unknown tools pass on to the MCP server, which answers them with a JSON-RPC error.
 */
function toolScopes(guard: Guard): RequestHandler {
  return (req, _res, next) => {
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body]
    try {
      for (const message of messages) {
        const call = message as { method?: unknown; params?: { name?: unknown } } | null
        if (call?.method !== 'tools/call' || typeof call.params?.name !== 'string') continue
        const scopes = Object.hasOwn(TOOL_SCOPES, call.params.name)
          ? TOOL_SCOPES[call.params.name]
          : undefined
        if (scopes && scopes.length > 0) guard.authorize(req.auth, { scopes })
      }
    } catch (error) {
      next(error)
      return
    }
    next()
  }
}
