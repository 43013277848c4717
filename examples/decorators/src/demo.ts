/** What both entry points share: the local authorization server, the guard, and the curl list. */
import type { Guard } from '@bearerguard/core'
import { createGuard } from '@bearerguard/express'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'

export const AUDIENCE = 'https://api.example.com'

export async function startIssuerAndGuard(): Promise<{ issuer: TestIssuer; guard: Guard }> {
  const issuer = await createTestIssuer({ audience: AUDIENCE, tokenTtl: 3600 })
  const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
  await guard.ready()
  return { issuer, guard }
}

export async function printCurls(
  framework: string,
  api: string,
  issuer: TestIssuer,
  scopes: string[],
) {
  const token = (scope: string) => issuer.token({ sub: 'alice', client_id: 'demo-app', scope })
  console.log(`bearerguard decorators example (${framework}) on ${api}
scopes declared by the controller: ${scopes.join(', ')}

# 200: GET /orders with orders:read
curl -i ${api}/orders -H 'Authorization: Bearer ${await token('orders:read')}'

# 403: POST /orders with orders:read only (create also needs orders:write)
curl -i -X POST ${api}/orders -H 'Content-Type: application/json' -d '{"item":"tea"}' -H 'Authorization: Bearer ${await token('orders:read')}'

# 201: POST /orders with orders:read and orders:write
curl -i -X POST ${api}/orders -H 'Content-Type: application/json' -d '{"item":"tea"}' -H 'Authorization: Bearer ${await token('orders:read orders:write')}'

# 204: DELETE /orders/1 with orders:read and admin
curl -i -X DELETE ${api}/orders/1 -H 'Authorization: Bearer ${await token('orders:read admin')}'

# 401: GET /orders without a token
curl -i ${api}/orders

# 200: GET /health, public
curl -i ${api}/health

Press Ctrl+C to stop.`)
}

export function stopOn(signals: NodeJS.Signals[], stop: () => Promise<void>) {
  let stopping = false
  for (const signal of signals) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      void stop().then(() => process.exit(0))
    })
  }
}
