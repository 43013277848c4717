/** What the gateway's tests share: an echo upstream, a gateway on free ports, captured logs. */
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { WebSocketServer } from 'ws'
import {
  createGateway,
  type Gateway,
  type GatewayConfigInput,
  type GatewayOptions,
} from '../src/index.js'

export const AUDIENCE = 'https://api.example.com'

/** The rules most tests use. */
export const RULES: GatewayConfigInput['rules'] = [
  { path: '/health', methods: ['GET'], public: true },
  { path: '/admin{/*rest}', deny: true },
  { path: '/orders', methods: ['GET'], scopes: ['orders:read'] },
  { path: '/orders', methods: ['POST'], scopes: ['orders:write', 'admin'], scopesMatch: 'any' },
  { path: '/me', authenticated: true },
  { path: '/upload', methods: ['POST', 'PUT'], authenticated: true },
  { path: '/stream', authenticated: true },
  { path: '/slow', authenticated: true },
  { path: '/hang', authenticated: true },
  { path: '/ws', authenticated: true },
  { path: '/tenant', hosts: ['*.tenants.example'], authenticated: true },
]

export interface Upstream {
  url: string
  server: Server
  /** Requests the upstream received. */
  seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>
  close(): Promise<void>
}

/**
 * An upstream that answers JSON `{ method, url, headers, bodyLength, body }`, streams on
 * /stream (one chunk, then the rest when the client has the first), waits on /slow (0.8 s)
 * and /hang (20 s), and
 * speaks WebSocket (echo) on /ws.
 */
export async function startUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    if (req.url?.startsWith('/stream')) {
      res.writeHead(200, {
        'content-type': 'text/plain',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
      })
      res.write('first\n')
      await new Promise((resolve) => setTimeout(resolve, 200))
      res.end('second\n')
      return
    }
    if (req.url?.startsWith('/slow')) await new Promise((resolve) => setTimeout(resolve, 800))
    if (req.url?.startsWith('/hang')) {
      // answers only after 20 s (or never: close() drops the connection)
      await new Promise((resolve) => setTimeout(resolve, 20_000).unref())
    }
    const text = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      bodyLength: Buffer.byteLength(body),
      body: body.length <= 4096 ? body : undefined,
    })
    res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=5' })
    res.end(text)
  })
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws')) return socket.destroy()
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' })
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => ws.send(`echo:${String(data)}`))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    seen,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Collects a logger's JSON lines. */
export function logSink(): { stream: Writable; lines: () => string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    },
  })
  return { stream, lines: () => lines }
}

export interface RunningGateway {
  gateway: Gateway
  api: string
  proxy: string | undefined
  /** The operations listener, when `ops` is configured. */
  ops: string | undefined
  logs: () => string[]
  close(): Promise<void>
}

/** A gateway on free ports of 127.0.0.1, logging into memory. */
export async function startGateway(
  config: Partial<GatewayConfigInput> & Pick<GatewayConfigInput, 'guard'>,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const sink = logSink()
  const gateway = createGateway(
    {
      rules: RULES,
      api: { port: 0 },
      ...config,
      ...(config.proxy && { proxy: { ...config.proxy, port: 0 } }),
      ...(config.ops && { ops: { ...config.ops, port: 0 } }),
    },
    { logDestination: sink.stream, ...options },
  )
  const { api, proxy, ops } = await gateway.listen()
  return {
    gateway,
    api: `http://127.0.0.1:${api.port}`,
    proxy: proxy && `http://127.0.0.1:${proxy.port}`,
    ops: ops && `http://127.0.0.1:${ops.port}`,
    logs: sink.lines,
    close: () => gateway.close(),
  }
}

/** A request with node:http (fetch cannot set `Host`): status, headers and body text. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/**
 * One request written byte for byte on a socket (fetch and node:http normalise paths and
 * headers; an attacker does not): status, lower-cased headers (repeated ones as arrays) and
 * body. `Connection: close` is added.
 */
export function rawRequest(
  base: string,
  target: string,
  headers: Array<[string, string]> = [],
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[]>; text: string }> {
  const { hostname, port } = new URL(base)
  const head = [`${method} ${target} HTTP/1.1`]
  if (!headers.some(([name]) => name.toLowerCase() === 'host'))
    head.push(`Host: ${hostname}:${port}`)
  for (const [name, value] of headers) head.push(`${name}: ${value}`)
  head.push('Connection: close', '', '')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n')
      const parsed: Record<string, string | string[]> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).trim().toLowerCase()
        const value = line.slice(colon + 1).trim()
        const before = parsed[name]
        parsed[name] = before === undefined ? value : [before, value].flat()
      }
      let body = text.slice(split + 4)
      if (/chunked/i.test(String(parsed['transfer-encoding'] ?? ''))) body = unchunk(body)
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, text: body })
    })
    socket.write(head.join('\r\n'))
  })
}

function unchunk(body: string): string {
  let out = ''
  let rest = body
  for (;;) {
    const line = rest.indexOf('\r\n')
    const size = Number.parseInt(rest.slice(0, line), 16)
    if (!(size > 0)) return out
    out += rest.slice(line + 2, line + 2 + size)
    rest = rest.slice(line + 2 + size + 2)
  }
}
