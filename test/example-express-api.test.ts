/**
 * `pnpm start` end to end: the example API and its embedded authorization server start, and
 * the curl commands they print answer 200, 201, 401 and 403 as labelled.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'express-api')
let child: ChildProcess
let output = ''

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--conditions=@bearerguard/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: exampleDir,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start:\n${output}`)), 20_000)
    const check = setInterval(() => {
      if (output.includes('Press Ctrl+C')) {
        clearInterval(check)
        clearTimeout(timer)
        resolve()
      }
    }, 50)
    child.once('exit', (code) => reject(new Error(`example exited with ${code}:\n${output}`)))
  })
})

afterAll(async () => {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

/** Runs the curl command printed under `label` with fetch. */
async function run(label: string): Promise<Response> {
  const block = output.split('\n# ').find((b) => b.startsWith(label))
  expect(block, `no command labelled ${label}`).toBeDefined()
  const line = (block as string).split('\n')[1] as string
  const url = /curl -i (?:-X POST )?(\S+)/.exec(line)?.[1] as string
  const auth = /Authorization: Bearer ([^']+)/.exec(line)?.[1]
  const body = /-d '([^']+)'/.exec(line)?.[1]
  const headers: Record<string, string> = {}
  if (auth) headers.authorization = `Bearer ${auth}`
  if (body) headers['content-type'] = 'application/json'
  return fetch(url, { method: line.includes('-X POST') ? 'POST' : 'GET', headers, body })
}

describe('pnpm start (examples/express-api)', () => {
  it('prints the API and authorization server addresses', () => {
    expect(output).toMatch(/example API on http:\/\/127\.0\.0\.1:\d+/)
    expect(output).toMatch(/local authorization server on http:\/\/127\.0\.0\.1:\d+/)
  })
  it('the 200 command answers 200 with the orders', async () => {
    const res = await run('200: a token with')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ item: 'coffee beans' })]),
    )
  })
  it('the opaque-token command answers 200 through introspection', async () => {
    const res = await run('200: an opaque token')
    expect(res.status).toBe(200)
  })
  it('the 201 command creates an order', async () => {
    const res = await run('201')
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ item: 'tea', by: 'bob' })
  })
  it('the no-token command answers 401 with a bare challenge', async () => {
    const res = await run('401: no token')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })
  it('the expired-token command answers 401 invalid_token', async () => {
    const res = await run('401: an expired token')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token has expired',
    })
  })
  it('the 403 command answers 403 insufficient_scope', async () => {
    const res = await run('403')
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('scope="orders:read"')
  })
  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
