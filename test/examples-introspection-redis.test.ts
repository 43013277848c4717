/**
 * examples/introspection-redis without a usable Redis: a clear message and exit code 1, never a
 * stack trace. (The happy path, with a redis-server it starts, is replayed by examples.test.ts.)
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'introspection-redis')

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@bearerguard/source', '--import', 'tsx', 'src/main.ts'],
    { cwd: dir, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })))
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('examples/introspection-redis without Redis', () => {
  it('says how to get one when redis-server is not installed', async () => {
    const { code, output } = await run({ REDIS_SERVER: '/nonexistent/redis-server' })
    expect(code).toBe(1)
    expect(output).toContain('this example needs Redis: set REDIS_URL')
    expect(output).not.toMatch(/\n\s+at /)
  })

  it('names the Redis it could not reach when REDIS_URL points nowhere', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`
    const { code, output } = await run({ REDIS_URL: url })
    expect(code).toBe(1)
    expect(output).toContain(`could not start the API instances with Redis at ${url}`)
    expect(output).not.toMatch(/\n\s+at /)
  })
})
