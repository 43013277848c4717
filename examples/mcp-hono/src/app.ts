/**
 * An MCP server on Hono 4, written for Web-standard runtimes: the MCP SDK's
 * `WebStandardStreamableHTTPServerTransport` takes the `Request` Hono was handed and gives back
 * a `Response`, so the same app runs on Node (`@hono/node-server`), Bun, Deno and Cloudflare
 * Workers. Stateless (one MCP server and transport per request, JSON answers, no session),
 * protected by `@bearerguard/hono`: the RFC 9728 metadata at its well-known paths, a 401 whose
 * challenge names it, and scopes per tool enforced at the HTTP layer (403 insufficient_scope
 * with the scope the tool needs, as examples/mcp-server answers).
 */
import {
  authErrorHandler,
  bearerAuth,
  protectedResourceMetadata,
  toMcpAuthInfo,
  type Guard,
} from '@bearerguard/hono'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMcpServer, TOOL_SCOPES, type Order } from './tools.js'

/** The transport's own bound on a body it reads (4 MiB), kept now that Hono reads it. */
const MAX_BODY = 4 * 1024 * 1024

/** A JSON-RPC error with no id, as the transport answers a request it cannot read. */
const rpcError = (c: Context, status: 400 | 405 | 413, code: number, message: string) =>
  c.json({ jsonrpc: '2.0', error: { code, message }, id: null }, status)

/** Builds the app around a guard created with `resourceMetadata` and `audience` = the /mcp URL. */
export function createApp(guard: Guard): Hono {
  const orders: Order[] = [{ id: 1, item: 'coffee beans', quantity: 2, by: 'alice' }]
  const app = new Hono()

  // GET /.well-known/oauth-protected-resource/mcp (and the bare path), scopes from the tools
  app.use(protectedResourceMetadata(guard, { scopes: Object.values(TOOL_SCOPES).flat() }))

  // every method of /mcp needs a valid token; c.get('auth') is the caller from here on
  app.use('/mcp', bearerAuth(guard))

  app.post(
    '/mcp',
    bodyLimit({
      maxSize: MAX_BODY,
      onError: (c) => rpcError(c, 413, -32000, 'Payload Too Large'),
    }),
    toolScopes(guard),
    async (c) => {
      const server = createMcpServer(orders)
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      })
      await server.connect(transport)
      try {
        // JSON answers: the Response is complete once handleRequest resolves
        return await transport.handleRequest(c.req.raw, {
          parsedBody: await c.req.json(), // parsed (and cached) by toolScopes
          authInfo: toMcpAuthInfo(c.get('auth')), // the tools' extra.authInfo
        })
      } finally {
        await transport.close()
        await server.close()
      }
    },
  )

  // Stateless: no server-sent event stream to open (GET) and no session to end (DELETE).
  app.all('/mcp', (c) => {
    c.header('allow', 'POST')
    return rpcError(c, 405, -32000, 'Method not allowed')
  })

  // a bare AuthError from guard.authorize() (toolScopes) answered as RFC 6750 says
  app.onError(authErrorHandler)
  return app
}

/**
 * Checks every `tools/call` of the JSON-RPC body (one message or a batch) against the tool's
 * scopes, with the caller's identity: a token without them gets 403 `insufficient_scope`,
 * `scope="<the tool's scopes>"`, so a client can ask for them. Unknown tools pass on to the
 * MCP server, which answers them with a JSON-RPC error; a body that is not JSON gets the
 * transport's parse error.
 */
function toolScopes(guard: Guard): MiddlewareHandler {
  return async (c, next) => {
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return rpcError(c, 400, -32700, 'Parse error: Invalid JSON')
    }
    for (const message of Array.isArray(body) ? body : [body]) {
      const call = message as { method?: unknown; params?: { name?: unknown } } | null
      if (call?.method !== 'tools/call' || typeof call.params?.name !== 'string') continue
      const scopes = Object.hasOwn(TOOL_SCOPES, call.params.name)
        ? TOOL_SCOPES[call.params.name]
        : undefined
      if (scopes && scopes.length > 0) guard.authorize(c.get('auth'), { scopes })
    }
    await next()
  }
}
