/**
 * examples/mcp-hono (an MCP server on Hono, the SDK's Web-standard transport) driven by the MCP
 * SDK's own client: the app runs on Node through @hono/node-server, on 127.0.0.1, with a guard
 * trusting a local test issuer; clients connect over streamable HTTP with a token from the
 * issuer, or without one (the 401 names the RFC 9728 metadata, which the SDK's discovery
 * reads), or through the SDK's own OAuth flow (client credentials, resource from the metadata).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGuard, type Guard } from '@bearerguard/hono'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { getRequestListener } from '@hono/node-server'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js'
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js'
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../examples/mcp-hono/src/app.js'

let issuer: TestIssuer
let guard: Guard
let server: Server
let resource: string
const clients: Client[] = []

beforeAll(async () => {
  server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
  issuer = await createTestIssuer({ audience: resource })
  guard = createGuard({ issuer: issuer.url, audience: resource, resourceMetadata: true })
  server.on('request', getRequestListener(createApp(guard).fetch))
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await Promise.all([guard.close(), issuer.close()])
})

async function connect(options: ConstructorParameters<typeof StreamableHTTPClientTransport>[1]) {
  const client = new Client({ name: 'bearerguard-test', version: '1.0.0' })
  clients.push(client)
  await client.connect(new StreamableHTTPClientTransport(new URL(resource), options))
  return client
}

const withToken = async (claims: Record<string, unknown>) =>
  connect({
    requestInit: { headers: { authorization: `Bearer ${await issuer.token(claims)}` } },
  })

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? 'null')

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(resource, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  })

describe('an MCP client with a token from the issuer', () => {
  it('lists the tools and calls them; their answers use the caller from c.get("auth")', async () => {
    const client = await withToken({ sub: 'alice', client_id: 'inspector', scope: 'orders:read' })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['create_order', 'list_orders', 'whoami'])

    expect(text(await client.callTool({ name: 'whoami' }))).toEqual({
      subject: 'alice',
      clientId: 'inspector',
      scopes: ['orders:read'],
    })
    const orders = text(await client.callTool({ name: 'list_orders' }))
    expect(orders[0]).toMatchObject({ id: 1, item: 'coffee beans', by: 'alice', mine: true })
  })

  it('with the scope a tool needs, the call succeeds in the caller’s name', async () => {
    const client = await withToken({ sub: 'bob', scope: 'orders:read orders:write' })
    const order = text(
      await client.callTool({ name: 'create_order', arguments: { item: 'tea', quantity: 3 } }),
    )
    expect(order).toMatchObject({ item: 'tea', quantity: 3, by: 'bob' })
    const orders = text(await client.callTool({ name: 'list_orders' }))
    expect(orders.find((o: { id: number }) => o.id === order.id)).toMatchObject({ mine: true })
    expect(orders.find((o: { id: number }) => o.id === 1)).toMatchObject({ mine: false })
    // the tool's own input validation still answers as a tool error
    const bad = await client.callTool({
      name: 'create_order',
      arguments: { item: '', quantity: 0 },
    })
    expect(bad.isError).toBe(true)
  })

  it('without the scope, the call is refused: 403 insufficient_scope naming the scope', async () => {
    const client = await withToken({ sub: 'alice', scope: 'orders:read' })
    const error = await failure(
      client.callTool({ name: 'create_order', arguments: { item: 'tea', quantity: 1 } }),
    )
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(403)
    expect((error as Error).message).toContain('insufficient_scope')

    // the same refusal over plain HTTP, with the challenge a client can ask the scope from
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    const call = { name: 'create_order', arguments: { item: 'tea', quantity: 1 } }
    const res = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: call },
      ]),
      { authorization: `Bearer ${token}` },
    )
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_scope", .*scope="orders:write", resource_metadata="/,
    )
    // the client stays usable
    expect((await client.listTools()).tools).toHaveLength(3)
  })

  it('an expired token is refused (401 invalid_token): the client cannot connect', async () => {
    const now = Math.floor(Date.now() / 1000)
    const error = await failure(withToken({ sub: 'alice', iat: now - 600, exp: now - 300 }))
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(401)
    expect((error as Error).message).toContain('invalid_token')
  })

  it('a token for another resource is refused (401 invalid_token)', async () => {
    const error = await failure(withToken({ sub: 'alice', aud: 'https://other.example/mcp' }))
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(401)
  })
})

describe('an MCP client without a token', () => {
  it('initialize is 401 with a challenge naming the metadata, which names the issuer', async () => {
    const res = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'bearerguard-test', version: '1.0.0' },
        },
      }),
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/)
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(res)
    expect(resourceMetadataUrl?.href).toBe(
      resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'),
    )
    const metadata = await discoverOAuthProtectedResourceMetadata(resource, { resourceMetadataUrl })
    expect(metadata).toMatchObject({
      resource,
      authorization_servers: [issuer.url],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
    })
  })

  it('the SDK client cannot connect', async () => {
    const error = await failure(connect({}))
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(401)
  })

  it('GET and DELETE /mcp need a token too', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(resource, { method, headers: { accept: 'text/event-stream' } })
      expect({ method, status: res.status }).toEqual({ method, status: 401 })
    }
  })
})

describe('the HTTP edges of the stateless endpoint', () => {
  it('GET and DELETE with a token: 405, Allow: POST (no stream, no session)', async () => {
    const token = await issuer.token({ sub: 'alice' })
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(resource, {
        method,
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      })
      expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({
        method,
        status: 405,
        allow: 'POST',
      })
    }
  })

  it('a body that is not JSON gets the JSON-RPC parse error; one over 4 MiB a 413', async () => {
    const authorization = `Bearer ${await issuer.token({ sub: 'alice' })}`
    const garbled = await post('{"jsonrpc":', { authorization })
    expect(garbled.status).toBe(400)
    expect(await garbled.json()).toMatchObject({ error: { code: -32700 } })

    const huge = await post(JSON.stringify({ pad: 'x'.repeat(4 * 1024 * 1024) }), {
      authorization,
    })
    expect(huge.status).toBe(413)
    expect(await huge.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } })
  })
})

describe("the SDK's own OAuth flow (client credentials)", () => {
  it('follows resource_metadata to the issuer, gets a token for this resource and uses it', async () => {
    // The SDK's metadata schema requires authorization_endpoint, which a client-credentials-only
    // server may leave out (RFC 8414 §2); the client-credentials flow never uses it.
    issuer.setMetadata({ authorization_endpoint: `${issuer.url}/authorize` })
    const provider = new ClientCredentialsProvider({
      clientId: 'test-client',
      clientSecret: 'test-secret',
      scope: 'orders:read',
      expectedIssuer: issuer.url,
    })
    const client = await connect({ authProvider: provider })
    expect(text(await client.callTool({ name: 'whoami' }))).toMatchObject({
      clientId: 'test-client',
      scopes: ['orders:read'],
    })
    // the token was issued for the resource the metadata names (RFC 8707 + RFC 9728)
    const token = provider.tokens()?.access_token as string
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())
    expect(payload.aud).toBe(resource)
  })
})
