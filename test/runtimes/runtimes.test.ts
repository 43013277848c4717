/**
 * One Hono app, protected by `@bearerguard/hono` and `@bearerguard/core` as published (packed),
 * run on Node, Bun, Deno and Cloudflare's workerd (with and without `nodejs_compat`) and checked
 * over HTTP against a real local authorization server: a valid token, expired, forged, for
 * another audience, without the scope, an opaque token introspected once and then served from
 * the cache, a key rotation, and a JWKS outage (503, never 401).
 */
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPackedApp, type PackedApp } from './packed-app.js'
import { runtimeBinaries } from './runtime-binaries.js'

const AUDIENCE = 'https://api.example.com'
let packed: PackedApp
let issuer: TestIssuer

beforeAll(async () => {
  packed = await buildPackedApp()
  issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 600 })
}, 120_000)
afterAll(async () => {
  await issuer?.close()
  if (packed) rmSync(packed.dir, { recursive: true, force: true })
})

/** A started runtime: its base URL and its process. */
interface Running {
  url: string
  process: ChildProcess
  output: () => string
}

type Runtime = 'node' | 'bun' | 'deno' | 'workerd' | 'workerd (nodejs_compat)'
const RUNTIMES: Runtime[] = ['node', 'bun', 'deno', 'workerd', 'workerd (nodejs_compat)']

function appConfig() {
  return JSON.stringify({
    issuer: issuer.url,
    audience: AUDIENCE,
    clientId: 'test-client',
    clientSecret: 'test-secret',
  })
}

async function start(runtime: Runtime): Promise<Running> {
  const bin = runtimeBinaries()
  const env = { ...process.env, RUNTIME_APP_CONFIG: appConfig(), NO_COLOR: '1' }
  if (runtime === 'node') return launch(process.execPath, [packed.node], env)
  if (runtime === 'bun') return launch(bin.bun, ['run', packed.bun], env)
  if (runtime === 'deno') {
    return launch(bin.deno, ['run', '--allow-net', '--allow-env', packed.deno], env)
  }
  const port = await freePort()
  const config = join(packed.dir, `${runtime === 'workerd' ? 'plain' : 'compat'}.capnp`)
  writeFileSync(config, workerdConfig(port, runtime !== 'workerd'))
  const running = launch(
    bin.workerd,
    ['serve', config, '--verbose'],
    env,
    `http://127.0.0.1:${port}`,
  )
  return running
}

/** Starts `command`; resolves once it prints `READY <port>` or, with `url`, once it answers. */
function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  url?: string,
): Promise<Running> {
  // a process group of its own: npm's deno and workerd commands are wrappers around the real
  // binary, and stopping the group stops both
  const child = spawn(command, args, {
    env,
    cwd: packed.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'))
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      stop(child, 'SIGKILL')
      reject(new Error(`${command} ${args.join(' ')}: ${why}\n${output}`))
    }
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000)
    child.once('exit', (code) => fail(`exited with ${code}`))
    const ready = (base: string) => {
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ url: base, process: child, output: () => output })
    }
    if (url) {
      const poll = async () => {
        try {
          if ((await fetch(`${url}/health`)).ok) return ready(url)
        } catch {
          // not listening yet
        }
        setTimeout(poll, 100)
      }
      void poll()
    } else {
      child.stdout?.on('data', () => {
        const port = /READY (\d+)/.exec(output)?.[1]
        if (port) ready(`http://127.0.0.1:${port}`)
      })
    }
  })
}

/** Stops a runtime and whatever it started (its process group). */
function stop(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

function workerdConfig(port: number, nodejsCompat: boolean): string {
  const flags = nodejsCompat ? '"nodejs_compat"' : ''
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .app),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const app :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.mjs") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags}],
  bindings = [ (name = "CONFIG", text = ${JSON.stringify(appConfig())}) ],
  globalOutbound = "loopback",
);
`
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe.each(RUNTIMES)('the Hono app on %s', (runtime) => {
  let running: Running
  beforeAll(async () => {
    running = await start(runtime)
  }, 60_000)
  afterAll(() => {
    if (running) stop(running.process, 'SIGTERM')
  })

  const get = (token?: string) =>
    fetch(`${running.url}/orders`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    })
  const valid = (claims: Record<string, unknown> = {}) =>
    issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })

  it('runs on the runtime it is meant to', async () => {
    const health = (await (await fetch(`${running.url}/health`)).json()) as { runtime: string }
    expect(health.runtime).toBe(runtime.startsWith('workerd') ? 'workerd' : runtime)
  })

  it('a valid token: 200 with the identity', async () => {
    const res = await get(await valid())
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ subject: 'alice', scopes: ['orders:read'], format: 'jwt' })
  })

  it('keeps its keys between requests (on workerd: as long as the isolate lives)', async () => {
    expect((await get(await valid())).status).toBe(200)
    issuer.resetCounts()
    for (let i = 0; i < 5; i++) {
      expect((await get(await valid({ sub: `user-${i}` }))).status).toBe(200)
    }
    expect(issuer.requestCount('jwks')).toBe(0)
    expect(issuer.requestCount('discovery')).toBe(0)
  })

  it('no token, expired, forged, another audience: 401 with the RFC 6750 challenge', async () => {
    const none = await get()
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /)
    const now = Math.floor(Date.now() / 1000)
    for (const token of [
      await valid({ exp: now - 3600, iat: now - 7200 }),
      await issuer.token({ sub: 'alice', scope: 'orders:read' }, { key: 'unknown' }),
      await valid({ aud: 'https://other.example.com' }),
    ]) {
      const res = await get(token)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect(((await res.json()) as { error: string }).error).toBe('invalid_token')
    }
  })

  it('a token without the scope: 403 insufficient_scope', async () => {
    const res = await get(await valid({ scope: 'profile' }))
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('scope="orders:read"')
  })

  it('an opaque token: introspected once, then served from the cache', async () => {
    const opaque = await issuer.opaqueToken({ sub: 'bob', scope: 'orders:read', aud: AUDIENCE })
    const before = issuer.introspectionRequests().length
    for (let i = 0; i < 3; i++) {
      const res = await get(opaque)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { format: string }).format).toBe('opaque')
    }
    expect(issuer.introspectionRequests().length - before).toBe(1)
  })

  it('keys rotated: a token of the new key is accepted; the JWKS down: 503, never 401', async () => {
    await issuer.rotateKeys({ keepPrevious: true })
    expect((await get(await valid())).status).toBe(200)
    await issuer.rotateKeys({ keepPrevious: true })
    issuer.fault('jwks', { type: 'status', status: 500 })
    try {
      const res = await get(await valid())
      expect(res.status).toBe(503)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    } finally {
      issuer.fault('jwks', undefined)
    }
    // back: the new key is fetched and the token accepted
    const res = await get(await valid())
    expect(res.status).toBe(200)
  })
})
