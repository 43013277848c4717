/**
 * The API under test, run by soak.ts in a process of its own:
 *
 *   node --conditions=@bearerguard/source --import tsx --expose-gc test/soak/server.ts '<config>'
 *
 * It serves the adapter harness's API (GET /api/orders needs `orders:read`, …) on 127.0.0.1,
 * with a guard against the parent's test issuer, reports its port over IPC, and answers heap
 * requests (two forced GCs, then `process.memoryUsage()`). It exits when told to stop or when
 * the parent goes away. It never handles its own crashes: a crash is what the soak looks for.
 */
import { createGuard } from '@bearerguard/core'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { LATEST_ADAPTERS } from '../adapters/harness.js'
import type { ChildMessage, HeapSample, ParentMessage, ServerConfig } from './protocol.js'

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig
const adapter = LATEST_ADAPTERS.find(([name]) => name.toLowerCase().startsWith(config.adapter))
if (!adapter) throw new Error(`server.ts: unknown adapter ${JSON.stringify(config.adapter)}`)
const forceGc = globalThis.gc
if (!forceGc) throw new Error('server.ts must run with --expose-gc')
if (!process.send) throw new Error('server.ts must be started with an IPC channel')

const send = (message: ChildMessage) => {
  if (process.connected) process.send?.(message)
}

const guard = createGuard({
  issuer: config.issuer,
  audience: config.audience,
  timeout: config.timeoutMs,
  jwksCacheMaxAge: config.jwksCacheMaxAge,
  introspection: {
    clientId: 'test-client',
    clientSecret: 'test-secret',
    timeout: config.timeoutMs,
    cache: { ttl: config.cacheTtl, negativeTtl: config.cacheTtl, max: config.cacheMax },
  },
})
await guard.ready()

const [adapterName, makeApp] = adapter
const server = createServer(makeApp(guard))
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const address = server.address()
if (address === null || typeof address === 'string') throw new Error('server.ts: no TCP address')

async function heap(): Promise<HeapSample> {
  forceGc?.()
  await nextTurn() // let anything the first collection freed be finalised
  forceGc?.()
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage()
  return { heapUsed, heapTotal, external, rss }
}

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  server.close()
  server.closeAllConnections()
  await guard.close()
  if (process.connected) process.disconnect()
  process.exit(0)
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'heap') {
    void heap().then((sample) => send({ type: 'heap', id: message.id, ...sample }))
  } else if (message.type === 'stop') {
    void stop()
  }
})
process.on('disconnect', () => void stop())

send({ type: 'ready', port: address.port, adapter: adapterName })
