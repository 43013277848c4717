/**
 * NestJS 11 as CommonJS users build it: test/nest11's app compiled by tsc (emitDecoratorMetadata,
 * CommonJS output), @bearerguard/nestjs installed as npm would install it (its built dist/, its
 * peers — Nest 11 — resolved from the app), require()d through Node's require(esm), on
 * platform-express and platform-fastify: the bug report's shapes answer right, with the right
 * headers, over HTTP.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const project = join(root, 'test', 'nest11')
const AUDIENCE = 'https://api.example.com'
const tsc = (...args: string[]) =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), args, { cwd: root, stdio: 'pipe' })

let issuer: TestIssuer

beforeAll(async () => {
  // npm test runs before npm run build: build the package (and core) as it is published
  tsc('-b', 'packages/nestjs')
  tsc('-p', 'test/nest11/tsconfig.json')
  // dist/node_modules: @bearerguard/nestjs as installed (a copy, so its peers resolve from the
  // app: Nest 11, not the workspace's Nest 12), and its dependency @bearerguard/core
  const installed = join(project, 'dist', 'node_modules', '@bearerguard')
  rmSync(installed, { recursive: true, force: true })
  mkdirSync(join(installed, 'nestjs'), { recursive: true })
  for (const entry of ['package.json', 'dist']) {
    cpSync(join(root, 'packages', 'nestjs', entry), join(installed, 'nestjs', entry), {
      recursive: true,
    })
  }
  symlinkSync(join(root, 'packages', 'core'), join(installed, 'core'), 'dir')
  issuer = await createTestIssuer({ audience: AUDIENCE })
}, 180_000)

afterAll(() => issuer?.close())

describe.each(['express', 'fastify'])('NestJS 11 (CommonJS, tsc) on platform-%s', (platform) => {
  let child: ChildProcess
  let base: string
  let output = ''

  beforeAll(async () => {
    child = spawn(process.execPath, [join(project, 'dist', 'app', 'main.js'), platform], {
      cwd: project,
      env: { ...process.env, ISSUER: issuer.url, AUDIENCE },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 30_000)
      const poll = setInterval(() => {
        const ready = /READY (\d+)/.exec(output)
        if (!ready) return
        clearInterval(poll)
        clearTimeout(timer)
        resolve(ready[1] as string)
      }, 50)
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
    })
    base = `http://127.0.0.1:${port}`
  }, 60_000)

  afterAll(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })

  const call = async (
    path: string,
    {
      scope,
      method = 'GET',
      body,
      tag,
    }: { scope?: string; method?: string; body?: unknown; tag?: string } = {},
  ) => {
    const headers: Record<string, string> = {}
    if (scope !== undefined) {
      headers.authorization = `Bearer ${await issuer.token({ sub: 'alice', scope })}`
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (tag) headers['x-tag'] = tag
    const res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    }
  }

  it('a class-level requirement: 200 with @Param and @Req injected; 401 with the challenge; 403 naming the scope', async () => {
    expect(await call('/items/42', { scope: 'items:read' })).toMatchObject({
      status: 200,
      body: { id: '42', subject: 'alice' },
    })
    const missing = await call('/items/42')
    expect(missing.status).toBe(401)
    expect(missing.challenge).toMatch(/^Bearer resource_metadata="[^"]+", DPoP algs="[^"]+"$/)
    expect(missing.body).toMatchObject({ error: 'unauthorized' })
    const forbidden = await call('/items/42', { scope: 'profile' })
    expect(forbidden.status).toBe(403)
    expect(forbidden.challenge).toContain('error="insufficient_scope", error_description=')
    expect(forbidden.challenge).toContain('scope="items:read"')
    expect(forbidden.body).toMatchObject({ error: 'insufficient_scope' })
  })

  it('a decorator above @Post adds its scope; @Body injected', async () => {
    const readOnly = await call('/items', {
      scope: 'items:read',
      method: 'POST',
      body: { name: 'tea' },
    })
    expect(readOnly.status).toBe(403)
    expect(readOnly.challenge).toContain('scope="items:write"')
    expect(
      await call('/items', {
        scope: 'items:read items:write',
        method: 'POST',
        body: { name: 'tea' },
      }),
    ).toMatchObject({ status: 201, body: { created: 'tea' } })
  })

  it("a decorator below @Get on an async handler with @Auth(); the user's SetMetadata still read by their guard", async () => {
    expect(await call('/items', { scope: 'items:read admin', tag: 'blue' })).toMatchObject({
      status: 200,
      body: { subject: 'alice', scopes: ['items:read', 'admin'] },
    })
    const wrongTag = await call('/items', { scope: 'items:read admin', tag: 'red' })
    expect(wrongTag.status).toBe(403)
    expect(wrongTag.challenge).toBeNull()
    const noList = await call('/items', { scope: 'items:read', tag: 'blue' })
    expect(noList.status).toBe(403)
    expect(noList.challenge).toContain('scope="items:list admin"')
  })

  it('@Public() overrides the class; the RFC 9728 document lists the declared scopes', async () => {
    expect(await call('/items/open/health')).toMatchObject({ status: 200, body: { ok: true } })
    const doc = await call('/.well-known/oauth-protected-resource')
    expect(doc.status).toBe(200)
    expect(doc.body?.scopes_supported).toEqual(['admin', 'items:list', 'items:read', 'items:write'])
  })

  it('stops cleanly on SIGTERM (app.close() closes the guard)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
