/**
 * Graceful shutdown of the CLI in a child process: SIGTERM stops new connections, lets an
 * in-flight request to a slow upstream finish with its answer, then the process exits 0 —
 * within `shutdownTimeout` whatever reads its stdout (nobody any more, or nobody reading), and
 * a second signal exits 1 at once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createServer, type Server, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIENCE, startUpstream, type Upstream } from './helpers.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
let issuer: TestIssuer
let upstream: Upstream
let dir: string

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  upstream = await startUpstream()
  dir = await mkdtemp(join(tmpdir(), 'bg-shutdown-'))
})
afterAll(async () => {
  await upstream.close()
  await issuer.close()
  await rm(dir, { recursive: true, force: true })
})

it('SIGTERM drains in-flight requests, then exits 0', async () => {
  const config = join(dir, 'gateway.yaml')
  await writeFile(
    config,
    `guard:
  issuer: ${issuer.url}
  audience: ${AUDIENCE}
api: { port: 0 }
proxy: { port: 0, upstream: ${upstream.url} }
rules:
  - path: /slow
    authenticated: true
`,
  )
  const child = spawn(
    process.execPath,
    [
      '--conditions=@bearerguard/source',
      '--import',
      'tsx',
      'packages/gateway/src/cli.ts',
      '--config',
      config,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  let output = ''
  const listening = new Promise<{ proxy: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const line = output.split('\n').find((l) => l.includes('"msg":"listening"'))
      if (line) resolve(JSON.parse(line) as { proxy: string })
    })
    child.once('exit', () => reject(new Error(`gateway exited early: ${output}`)))
  })
  try {
    const { proxy } = await listening
    const token = await issuer.token({ sub: 'alice' })
    const inFlight = fetch(`http://${proxy}/slow`, {
      headers: { authorization: `Bearer ${token}` },
    })
    // wait until the upstream has the request, then ask the gateway to stop
    while (!upstream.seen.some((r) => r.url === '/slow'))
      await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGTERM')
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ url: '/slow' })
    expect(await exited).toBe(0)
    await expect(fetch(`http://${proxy}/slow`)).rejects.toThrow()
    expect(output).toContain('"msg":"shutting down: draining in-flight requests"')
    expect(output).toContain('"msg":"stopped"')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})

describe('whatever reads stdout', () => {
  /** Accepts connections and never answers: an issuer and an upstream that hang. */
  let silent: Server
  const sockets = new Set<Socket>()
  let silentUrl: string
  let configs = 0
  const children: ChildProcessWithoutNullStreams[] = []

  beforeAll(async () => {
    silent = createServer((socket) => void sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    silentUrl = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => silent.close(() => resolve()))
  })

  /**
   * The CLI with public rules, the silent server as its issuer (so it logs nothing on its own
   * after start-up) and, in proxy mode, as its upstream (so a request stays in flight).
   */
  async function startCli(shutdownTimeout: number) {
    const config = join(dir, `sink-${++configs}.yaml`)
    await writeFile(
      config,
      `guard:
  issuer: ${silentUrl}/
  audience: ${AUDIENCE}
api: { port: 0 }
proxy: { port: 0, upstream: ${silentUrl} }
shutdownTimeout: ${shutdownTimeout}
rules:
  - path: /{*any}
    public: true
`,
    )
    const child = spawn(
      process.execPath,
      ['--conditions=@bearerguard/source', '--import', 'tsx', 'packages/gateway/src/cli.ts'].concat(
        ['--config', config],
      ),
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    )
    children.push(child)
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once('exit', (code) => resolve({ code, at: performance.now() })),
    )
    let output = ''
    const listening = await new Promise<{ api: string; proxy: string }>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const line = output.split('\n').find((l) => l.includes('"msg":"listening"'))
        if (!line) return
        child.stdout.off('data', onData)
        resolve(JSON.parse(line) as { api: string; proxy: string })
      }
      child.stdout.on('data', onData)
      child.once('exit', () => reject(new Error(`gateway exited early: ${output}`)))
    })
    return { child, exited, ...listening }
  }

  /** Stops reading stdout and has the gateway log until the pipe is full and lines queue. */
  async function stallStdout(child: ChildProcessWithoutNullStreams, api: string) {
    child.stdout.pause()
    const path = `/public/${'x'.repeat(6_000)}`
    // ~6 kB per decision line: 100 of them fill the pipe and whatever the reader buffered
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`http://${api}/nginx`, {
            headers: { 'x-original-method': 'GET', 'x-original-uri': path },
          }).then((res) => res.arrayBuffer()),
        ),
      )
    }
  }

  /** A request the gateway proxies to the silent upstream: in flight until cut off. */
  function hangingRequest(proxy: string) {
    return fetch(`http://${proxy}/hang`).then(
      (res) => res.status,
      () => 'cut off',
    )
  }

  const stoppedWithin = async (
    exited: Promise<{ code: number | null; at: number }>,
    sentAt: number,
    limitMs: number,
  ) => {
    const timeout = new Promise<'still running'>((resolve) =>
      setTimeout(() => resolve('still running'), limitMs + 5_000).unref(),
    )
    const result = await Promise.race([exited, timeout])
    if (result === 'still running')
      throw new Error(`still running ${limitMs + 5_000} ms after the signal`)
    expect(result.at - sentAt).toBeLessThan(limitMs)
    return result.code
  }

  it('its reader gone (the pipe closed): SIGTERM exits 0 within shutdownTimeout', async () => {
    const { child, exited } = await startCli(2)
    child.stdout.destroy()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const sentAt = performance.now()
    child.kill('SIGTERM')
    expect(await stoppedWithin(exited, sentAt, 2_000)).toBe(0)
  })

  it(
    'nobody reading (a full pipe), a request in flight: SIGTERM exits 0 within shutdownTimeout',
    { timeout: 30_000 },
    async () => {
      const { child, exited, api, proxy } = await startCli(1)
      const inFlight = hangingRequest(proxy)
      await stallStdout(child, api)
      const sentAt = performance.now()
      child.kill('SIGTERM')
      // the drain waits 1 s for the request, then cuts it off; the queued log lines do not hold
      // the exit (a margin of 1 s for closing and the bounded flush)
      expect(await stoppedWithin(exited, sentAt, 1_000 + 1_000)).toBe(0)
      expect(await inFlight).toBe('cut off')
    },
  )

  it(
    'a second signal exits 1 at once, with nobody reading stdout',
    { timeout: 30_000 },
    async () => {
      const { child, exited, api, proxy } = await startCli(60)
      void hangingRequest(proxy)
      await stallStdout(child, api)
      child.kill('SIGTERM')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(child.exitCode).toBeNull() // draining: the request is still in flight
      const sentAt = performance.now()
      child.kill('SIGTERM')
      expect(await stoppedWithin(exited, sentAt, 1_000)).toBe(1)
    },
  )

  it("a second signal exits 1 at once, with stdout's reader gone", async () => {
    const { child, exited, proxy } = await startCli(60)
    void hangingRequest(proxy)
    await new Promise((resolve) => setTimeout(resolve, 200))
    child.stdout.destroy()
    child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(child.exitCode).toBeNull()
    const sentAt = performance.now()
    child.kill('SIGINT')
    expect(await stoppedWithin(exited, sentAt, 1_000)).toBe(1)
  })
})
