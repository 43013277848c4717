/**
 * `pnpm start:gateway-nginx`: a local authorization server, a tiny upstream, bearerguard-gateway
 * (configured by gateway.yaml) and nginx with auth_request in front of them; then what runs
 * where and ready-to-paste curl commands. Needs nginx on the PATH (Debian: apt-get install nginx);
 * without it, it says what to install and exits 1 before starting anything.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGateway, loadConfig } from '@bearerguard/gateway'
import { createTestIssuer } from '@bearerguard/testing'
import { createUpstream } from './upstream.js'

const here = dirname(fileURLToPath(import.meta.url))
const AUDIENCE = 'https://api.example.com'

// Before anything starts: without a usable nginx, say what to install and stop there.
const missing = nginxProblem()
if (missing) {
  console.error(
    `this example needs nginx with the auth_request module, and ${missing}: install it ` +
      '(Debian/Ubuntu: apt-get install -y nginx; macOS: brew install nginx) and run it again',
  )
  process.exit(1)
}
let stopping = false

const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })

const upstream = createUpstream().listen(0, '127.0.0.1')
await new Promise((resolve) => upstream.once('listening', resolve))
const upstreamAddress = `127.0.0.1:${(upstream.address() as AddressInfo).port}`

const config = await loadConfig(join(here, '..', 'gateway.yaml'), {
  ...process.env,
  ISSUER_URL: issuer.url,
  INTROSPECTION_SECRET: 'test-secret',
})
const gateway = createGateway(config)
const { api } = await gateway.listen()
await gateway.guard.ready()
const gatewayAddress = `127.0.0.1:${api.port}`

const port = Number(process.env.PORT ?? 8080) || (await freePort())
const prefix = await mkdtemp(join(tmpdir(), 'bearerguard-nginx-'))
const template = await readFile(join(here, '..', 'nginx.conf.template'), 'utf8')
const conf = join(prefix, 'nginx.conf')
await writeFile(
  conf,
  template
    .replaceAll('__PREFIX__', prefix)
    .replaceAll('__PORT__', String(port))
    .replaceAll('__GATEWAY__', gatewayAddress)
    .replaceAll('__UPSTREAM__', upstreamAddress),
)
const nginx = spawn('nginx', ['-p', prefix, '-c', conf, '-e', join(prefix, 'startup.log')], {
  stdio: ['ignore', 'inherit', 'inherit'],
})
nginx.once('error', (error) => {
  console.error(`cannot start nginx (${error.message}): install it, e.g. apt-get install -y nginx`)
  void stop(1)
})
nginx.once('exit', (code) => {
  if (!stopping) {
    console.error(`nginx exited (${code}); see ${prefix}/error.log`)
    void stop(1)
  }
})
await waitForPort(port)
const site = `http://127.0.0.1:${port}`

const reader = await issuer.token({
  sub: 'alice',
  client_id: 'demo-app',
  scope: 'orders:read',
  tenant: 'acme',
})
const writer = await issuer.token({ sub: 'bob', client_id: 'demo-app', scope: 'orders:write' })
const profileOnly = await issuer.token({ sub: 'carol', client_id: 'demo-app', scope: 'profile' })
const opaque = await issuer.opaqueToken({
  sub: 'dave',
  client_id: 'demo-app',
  scope: 'orders:read',
})
const expired = await issuer.token({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_300 })

console.log(`bearerguard-gateway example: nginx auth_request → gateway → upstream
  nginx (what clients call)       ${site}
  bearerguard-gateway (decisions) http://${gatewayAddress}  (/nginx, /healthz, /readyz, /metrics)
  upstream                        http://${upstreamAddress}
  local authorization server      ${issuer.url}

# 200: a token with orders:read (the upstream sees X-Auth-Subject, X-Auth-Scopes, X-Auth-Tenant)
curl -i ${site}/orders -H 'Authorization: Bearer ${reader}'

# 200: an opaque token with orders:read (introspected, then cached)
curl -i ${site}/orders -H 'Authorization: Bearer ${opaque}'

# 201: a token with orders:write
curl -i -X POST ${site}/orders -H 'Content-Type: application/json' -d '{"item":"tea"}' -H 'Authorization: Bearer ${writer}'

# 200: a public route; the spoofed identity header never reaches the upstream
curl -i ${site}/health -H 'X-Auth-Subject: mallory'

# 401: no token
curl -i ${site}/orders

# 401: an expired token
curl -i ${site}/orders -H 'Authorization: Bearer ${expired}'

# 403: a valid token without orders:read
curl -i ${site}/orders -H 'Authorization: Bearer ${profileOnly}'

Tokens are valid for one hour. Press Ctrl+C to stop.`)

async function stop(code = 0) {
  if (stopping) return
  stopping = true
  if (nginx.exitCode === null && nginx.pid !== undefined) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve))
    process.kill(nginx.pid, 'SIGTERM')
    await exited
  }
  await gateway.close()
  upstream.closeAllConnections()
  upstream.close()
  await issuer.close()
  await rm(prefix, { recursive: true, force: true })
  process.exit(code)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())

/** Why nginx cannot run this example, or undefined when it can. */
function nginxProblem(): string | undefined {
  const run = spawnSync('nginx', ['-V'], { encoding: 'utf8' })
  if (run.error) return `nginx is not on the PATH (${run.error.message})`
  if (!`${run.stdout}${run.stderr}`.includes('--with-http_auth_request_module')) {
    return 'this nginx was built without it'
  }
  return undefined
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo
      probe.close(() => resolve(free))
    })
  })
}

async function waitForPort(target: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(target, '127.0.0.1')
      socket.once('connect', () => resolve(socket.destroy() !== undefined))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nginx did not listen on ${target}`)
}
