/**
 * A tiny TCP proxy in front of a real redis-server that holds back chosen client commands for a
 * while before passing them on: a server that is reachable but slow to answer one command,
 * reproduced exactly rather than hoped for under CPU load. Bytes keep their order on each
 * connection; nothing is changed, only delayed.
 */
import { createServer, connect, type Socket } from 'node:net'

/**
 * A running proxy.
 *
 * @example
 * ```ts
 * const proxy = await startDelayingProxy(server.port, { command: 'subscribe', delayMs: 600 })
 * const store = createRedisStore({ url: proxy.url })
 * proxy.delayed // how many commands were held back so far
 * await proxy.close()
 * ```
 */
export interface DelayingProxy {
  readonly port: number
  readonly url: string
  /** How many chunks holding the command were delayed so far. */
  readonly delayed: number
  /** Closes the listener and every connection. */
  close(): Promise<void>
}

/**
 * What to delay: chunks sent by a client that hold `command` (a RESP bulk string, as ioredis
 * writes it) are passed on after `delayMs`; only the first `times` of them (default 1).
 *
 * @example
 * ```ts
 * const rule: DelayRule = { command: 'subscribe', delayMs: 600, times: 1 }
 * ```
 */
export interface DelayRule {
  command: string
  delayMs: number
  times?: number
}

/** Whether `chunk` holds `command` as a RESP bulk string, whatever its case. */
function holds(chunk: Buffer, command: string): boolean {
  const needle = `$${command.length}\r\n${command.toLowerCase()}\r\n`
  return chunk.toString('latin1').toLowerCase().includes(needle)
}

/**
 * Starts a proxy on a free loopback port that forwards to `127.0.0.1:targetPort`, delaying what
 * `rule` says.
 *
 * @example
 * ```ts
 * const proxy = await startDelayingProxy(server.port, { command: 'subscribe', delayMs: 600 })
 * afterAll(() => proxy.close())
 * ```
 */
export async function startDelayingProxy(
  targetPort: number,
  rule: DelayRule,
): Promise<DelayingProxy> {
  const sockets = new Set<Socket>()
  let left = rule.times ?? 1
  let delayed = 0
  const server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1' })
    sockets.add(client).add(upstream)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    // Each client chunk waits for the one before it, so a delayed command delays what follows.
    let previous = Promise.resolve()
    client.on('data', (chunk: Buffer) => {
      let wait = 0
      if (left > 0 && holds(chunk, rule.command)) {
        left -= 1
        delayed += 1
        wait = rule.delayMs
      }
      previous = previous.then(async () => {
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        if (!upstream.destroyed) upstream.write(chunk)
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)')
  return {
    port: address.port,
    url: `redis://127.0.0.1:${address.port}`,
    get delayed() {
      return delayed
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
