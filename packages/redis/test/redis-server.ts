/**
 * A real redis-server for tests: on a free loopback port, with no persistence, started as a
 * child process and stopped by its pid. It can be killed (SIGKILL) and started again on the
 * same port to test outages.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, connect } from 'node:net'

/**
 * A running (or killed) redis-server.
 *
 * @example
 * ```ts
 * const server = await startRedisServer()
 * const store = createRedisStore({ url: server.url })
 * await server.kill() // outage
 * await server.start() // back, same port
 * await server.stop()
 * ```
 */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Starts it again on the same port (after `kill` or `stop`) and waits until it answers PING. */
  start(): Promise<void>
  /** SIGKILL, as a crash: no goodbye to clients. Resolves once the process has exited. */
  kill(): Promise<void>
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>
  /** SIGSTOP: connections stay open but nothing answers. */
  pause(): void
  /** SIGCONT after `pause`. */
  resume(): void
}

const BINARY = process.env.REDIS_SERVER ?? 'redis-server'

/** A port that was free a moment ago: the kernel's pick for a socket bound to port 0. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)')
  return address.port
}

/** Whether a server on `port` answers PING with PONG within `timeoutMs`. */
function answersPing(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let reply = ''
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.on('error', () => done(false))
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function launch(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  // A spawn failure (no redis-server: ENOENT) is an 'error' event, which would be an uncaught
  // exception without a listener; it becomes this start's rejection below. Later errors (a
  // signal to a process already gone) are of no interest.
  let spawnError: Error | undefined
  child.on('error', (err) => {
    spawnError ??= err
  })
  const until = Date.now() + 10_000
  for (;;) {
    if (spawnError) {
      throw new Error(
        `cannot run ${BINARY} (${spawnError.message}): install it, e.g. apt-get install -y redis-server, or set REDIS_SERVER to its path`,
      )
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited at start:\n${output}`)
    }
    if (await answersPing(port, 200)) return child
    if (Date.now() > until) {
      child.kill('SIGKILL')
      await exited(child)
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts redis-server on a free port and waits until it answers PING.
 *
 * @example
 * ```ts
 * const server = await startRedisServer()
 * afterAll(() => server.stop())
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  const end = async (signal: NodeJS.Signals) => {
    const running = child
    child = undefined
    if (!running || running.pid === undefined) return
    const gone = exited(running)
    if (running.exitCode === null && running.signalCode === null) process.kill(running.pid, signal)
    const force = setTimeout(() => running.kill('SIGKILL'), 5_000)
    await gone
    clearTimeout(force)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) return
      child = await launch(port)
    },
    kill: () => end('SIGKILL'),
    stop: async () => {
      child?.kill('SIGCONT') // a paused server acts on SIGTERM only once it runs again
      await end('SIGTERM')
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  }
}
