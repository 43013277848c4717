/**
 * `npm run start:mcp-hono`: the Hono MCP server on Node (`@hono/node-server`), protected by a
 * local authorization server (from @bearerguard/testing), then ready-to-paste curl commands with
 * fresh tokens. Point an MCP client (e.g. the MCP inspector) at the printed /mcp URL with one of
 * the tokens. On Bun, Deno or Workers the same `createApp(guard)` is served by the runtime
 * (see the README).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGuard } from '@bearerguard/hono'
import { createTestIssuer } from '@bearerguard/testing'
import { getRequestListener } from '@hono/node-server'
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3006)

// The resource identifier is the URL clients call, so the server listens before the guard is made.
const server = createServer()
await new Promise<void>((resolve, reject) => {
  server.once('error', reject)
  server.listen(port, '127.0.0.1', resolve)
})
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const resource = `${origin}/mcp`

const issuer = await createTestIssuer({ audience: resource, tokenTtl: 3600 })
const guard = createGuard({
  issuer: issuer.url,
  audience: resource, // tokens must be issued for this MCP server (RFC 8707 resource = its URL)
  resourceMetadata: { resourceName: 'bearerguard example MCP server on Hono' },
})
await guard.ready()
// @hono/node-server turns each Node request into a Web Request for the app (c.env.incoming too)
server.on('request', getRequestListener(createApp(guard).fetch))

const reader = await issuer.token({ sub: 'alice', client_id: 'demo-app', scope: 'orders:read' })
const writer = await issuer.token({
  sub: 'bob',
  client_id: 'demo-app',
  scope: 'orders:read orders:write',
})
const expired = await issuer.token({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_300 })

const mcp = `curl -i -X POST ${resource} -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'`
const body = (message: Record<string, unknown>) =>
  `-d '${JSON.stringify({ jsonrpc: '2.0', ...message })}'`
const initialize = body({
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'curl', version: '1.0.0' },
  },
})
const list = body({ id: 1, method: 'tools/list' })
const call = (name: string, args: Record<string, unknown> = {}) =>
  body({ id: 2, method: 'tools/call', params: { name, arguments: args } })
const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`

console.log(`bearerguard example MCP server (Hono) on ${resource}
local authorization server on ${issuer.url} (client_credentials: test-client / test-secret)

# 200: the protected resource metadata (RFC 9728), where clients learn the authorization server
curl -i ${origin}/.well-known/oauth-protected-resource/mcp

# 401: initialize without a token; the challenge carries resource_metadata="…"
${mcp} ${initialize}

# 401: an expired token
${mcp} ${list} ${bearer(expired)}

# 200: the tools, with a token holding orders:read
${mcp} ${list} ${bearer(reader)}

# 200: call whoami (any valid token): the token's subject, client and scopes
${mcp} ${call('whoami')} ${bearer(reader)}

# 200: call list_orders (needs orders:read): alice's order is marked as hers
${mcp} ${call('list_orders')} ${bearer(reader)}

# 403: call create_order without orders:write (insufficient_scope, scope="orders:write")
${mcp} ${call('create_order', { item: 'tea', quantity: 1 })} ${bearer(reader)}

# 200: call create_order with orders:write: the order is placed in bob's name
${mcp} ${call('create_order', { item: 'tea', quantity: 1 })} ${bearer(writer)}

Tokens are valid for one hour. Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  server.closeAllConnections()
  server.close()
  await Promise.all([guard.close(), issuer.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
