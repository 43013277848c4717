/**
 * `npm run start:introspection-redis`: a local authorization server issuing opaque tokens, a
 * Redis, and two instances of the API sharing one introspection cache and one revocation list
 * through it; then ready-to-paste curl commands, to be run in order.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createGuard, type Guard } from '@bearerguard/express'
import { createRedisStore } from '@bearerguard/redis'
import { createTestIssuer } from '@bearerguard/testing'
import { createApp } from './app.js'
import { exampleRedis } from './redis.js'

const AUDIENCE = 'https://api.example.com'
const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' }
const port = Number(process.env.PORT ?? 3004)

const redis = await exampleRedis().catch((error: Error) => {
  console.error(error.message)
  process.exit(1)
})
const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })

/** One instance: its own guard and its own connections to the shared Redis. */
async function startInstance(name: string, listenOn: number): Promise<[Guard, Server, string]> {
  const store = createRedisStore({ url: redis.url })
  await store.ready() // rejects after 5 s if Redis does not answer
  const guard = createGuard({
    issuer: issuer.url,
    audience: AUDIENCE,
    introspection: { ...CLIENT, cache: { ttl: 60, store } },
  })
  await guard.ready()
  const revocation = { endpoint: issuer.revocationEndpoint, ...CLIENT }
  const server = createApp(name, guard, revocation).listen(listenOn, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  return [guard, server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`]
}

const started = await Promise.all([
  startInstance('A', port),
  startInstance('B', port === 0 ? 0 : port + 1),
]).catch((error: Error) => {
  console.error(`could not start the API instances with Redis at ${redis.url}: ${error.message}`)
  redis.stop()
  process.exit(1)
})
const [[guardA, serverA, a], [guardB, serverB, b]] = started

const alice = await issuer.opaqueToken({
  sub: 'alice',
  client_id: 'demo-app',
  scope: 'orders:read',
})
const carol = await issuer.opaqueToken({ sub: 'carol', client_id: 'demo-app', scope: 'profile' })
const expired = await issuer.opaqueToken({ sub: 'dave', exp: 1_700_000_300 })
const bearer = (token: string) => `-H 'Authorization: Bearer ${token}'`

console.log(`bearerguard introspection + Redis example

  instance A             ${a}
  instance B             ${b}
  Redis                  ${redis.url}  (${redis.origin})
  authorization server   ${issuer.url}  (introspection: ${issuer.introspectionEndpoint})

Run these in order: the later ones depend on the earlier ones.

# 200: an opaque token on instance A (introspected once, the answer stored in Redis)
curl -i ${a}/api/orders ${bearer(alice)}

# 200: the same token on instance B (served from Redis: no second introspection)
curl -i ${b}/api/orders ${bearer(alice)}

# 204: log out on instance A (revoked at the authorization server, evicted from Redis and every instance)
curl -i -X POST ${a}/api/logout ${bearer(alice)}

# 401: the revoked token on instance A
curl -i ${a}/api/orders ${bearer(alice)}

# 403: an opaque token without orders:read, on instance B
curl -i ${b}/api/orders ${bearer(carol)}

# 401: an expired opaque token (the authorization server says inactive)
curl -i ${b}/api/orders ${bearer(expired)}

# 401: the revoked token on instance B
curl -i ${b}/api/orders ${bearer(alice)}

# 401: no token
curl -i ${b}/api/orders

Tokens are valid for one hour. Press Ctrl+C to stop.`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  for (const server of [serverA, serverB]) {
    server.closeAllConnections()
    server.close()
  }
  await Promise.all([guardA.close(), guardB.close(), issuer.close()]) // closing a guard closes its store
  redis.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
