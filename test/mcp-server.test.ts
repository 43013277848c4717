/**
 * examples/mcp-server driven by the MCP SDK's own client: the server runs on 127.0.0.1 with a
 * guard trusting a local test issuer; clients connect over streamable HTTP with a token from
 * the issuer, or without one (the 401 names the RFC 9728 metadata, which the SDK's discovery
 * reads), or through the SDK's own OAuth flow (client credentials, resource indicator from the
 * metadata).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGuard, type Guard } from '@bearerguard/express'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
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
import { createApp } from '../examples/mcp-server/src/app.js'

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
  server.on('request', createApp(guard))
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

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? 'null')

describe('an MCP client with a token from the issuer', () => {
  it('lists the tools and calls those its scopes allow; tools see the caller as extra.authInfo', async () => {
    const client = await withToken({ sub: 'alice', client_id: 'inspector', scope: 'orders:read' })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['create_order', 'list_orders', 'whoami'])

    expect(text(await client.callTool({ name: 'whoami' }))).toEqual({
      subject: 'alice',
      clientId: 'inspector',
      scopes: ['orders:read'],
    })
    const orders = text(await client.callTool({ name: 'list_orders' }))
    expect(orders[0]).toMatchObject({ id: 1, item: 'coffee beans' })
  })

  it('a tool call without its scope fails cleanly: 403 insufficient_scope naming the scope', async () => {
    const client = await withToken({ sub: 'alice', scope: 'orders:read' })
    const call = client.callTool({ name: 'create_order', arguments: { item: 'tea', quantity: 1 } })
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(403)
    expect((error as Error).message).toContain('insufficient_scope')
    // the client stays usable
    expect((await client.listTools()).tools).toHaveLength(3)
  })

  it('with the scope, the call succeeds and the tool knows who called', async () => {
    const client = await withToken({ sub: 'bob', scope: 'orders:read orders:write' })
    const order = text(
      await client.callTool({ name: 'create_order', arguments: { item: 'tea', quantity: 3 } }),
    )
    expect(order).toMatchObject({ item: 'tea', quantity: 3, by: 'bob' })
    // the tool's own input validation still answers as a tool error
    const bad = await client.callTool({
      name: 'create_order',
      arguments: { item: '', quantity: 0 },
    })
    expect(bad.isError).toBe(true)
  })

  it('a token for another resource is refused (401 invalid_token)', async () => {
    const error = await withToken({ sub: 'alice', aud: 'https://other.example/mcp' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(401)
    expect((error as Error).message).toContain('invalid_token')
  })
})

describe('an MCP client without a token', () => {
  it('gets a 401 whose challenge names the metadata, which the SDK discovers and accepts', async () => {
    const res = await fetch(resource, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(res.status).toBe(401)
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
    const error = await connect({}).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(String(error)).toMatch(/401|nauthorized/)
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

  it('a 403 insufficient_scope is recognised by the SDK, which re-runs its auth flow once', async () => {
    // SDK 1.32.2 re-authorizes on our challenge, but its client-credentials token request asks
    // for the provider's configured scope rather than the challenge's (fetchToken), so the
    // retry is refused again and the call fails with the SDK's own "after trying upscoping".
    const provider = new ClientCredentialsProvider({
      clientId: 'test-client',
      clientSecret: 'test-secret',
      scope: 'orders:read',
      expectedIssuer: issuer.url,
    })
    const client = await connect({ authProvider: provider })
    const before = issuer.requestCount('token')
    const error = await client
      .callTool({ name: 'create_order', arguments: { item: 'mate', quantity: 1 } })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as Error).message).toContain('after trying upscoping')
    expect(issuer.requestCount('token')).toBe(before + 1)
  })
})
