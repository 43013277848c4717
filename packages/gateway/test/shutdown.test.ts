/**
 * Graceful shutdown of the CLI in a child process: SIGTERM stops new connections, lets an
 * in-flight request to a slow upstream finish with its answer, then the process exits 0.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
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
