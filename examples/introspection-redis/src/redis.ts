/**
 * Where the example's Redis comes from: `REDIS_URL` when set, else a throw-away `redis-server`
 * started on a free loopback port with no persistence (and stopped with the example).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** A Redis to use, and how to stop it (a no-op for one given by `REDIS_URL`). */
export interface ExampleRedis {
  url: string
  /** `REDIS_URL`, or the redis-server this example started. */
  origin: string
  stop(): void
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/**
 * `REDIS_URL`, or a new redis-server. Rejects with an explanation when there is neither (no
 * `redis-server` on `PATH`).
 */
export async function exampleRedis(): Promise<ExampleRedis> {
  const given = process.env.REDIS_URL
  if (given) return { url: given, origin: 'REDIS_URL', stop: () => {} }

  const port = await freePort()
  const binary = process.env.REDIS_SERVER ?? 'redis-server'
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child: ChildProcess = spawn(binary, args, { stdio: 'ignore' })
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) =>
      reject(
        new Error(
          `this example needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379), or install ` +
            `redis-server (apt-get install redis-server, brew install redis) [${error.message}]`,
        ),
      ),
    )
  })
  // However the example ends (Ctrl+C, an error), the server it started goes with it.
  process.once('exit', () => child.kill('SIGTERM'))
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: `${binary}, started by this example (pid ${child.pid})`,
    stop: () => void child.kill('SIGTERM'),
  }
}
