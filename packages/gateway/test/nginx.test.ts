/**
 * A real nginx with `auth_request` in front of a real upstream, asking the gateway: 401 with
 * the challenge reaches the client, 403 (with its challenge), 200 with identity headers at the
 * upstream, spoofed identity headers dropped, 503 with Retry-After when the authorization
 * server is down, and 502 (never 401) when the gateway itself is down. The nginx config is the
 * one the package README documents.
 */
import { ADVERTISED_DPOP } from '../../../test/support/challenges.js'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AUDIENCE,
  startGateway,
  startUpstream,
  type RunningGateway,
  type Upstream,
} from './helpers.js'
import { readmeServerBlock } from './nginx-config.js'
import { freePort, startNginx, type Nginx } from './nginx-process.js'
import { serviceAvailable } from '../../../test/support/system-services.js'

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('nginx'))('through a real nginx', () => {
  let issuer: TestIssuer
  let upstream: Upstream
  let gw: RunningGateway
  let nginx: Nginx

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    upstream = await startUpstream()
    gw = await startGateway({ guard: { issuer: issuer.url, audience: AUDIENCE } })
    nginx = await startNginx(readmeServerBlock(gw.api.replace('http://', ''), upstream.url))
  })
  afterAll(async () => {
    await nginx?.stop()
    await gw?.close()
    await upstream?.close()
    await issuer?.close()
  })

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

  describe('nginx auth_request → gateway → upstream', () => {
    it('200: the upstream gets the request with the identity headers', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read', client_id: 'web' })
      const res = await fetch(`${nginx.url}/orders?page=2`, { headers: bearer(token) })
      expect(res.status).toBe(200)
      const seen = (await res.json()) as { url: string; headers: Record<string, string> }
      expect(seen.url).toBe('/orders?page=2')
      expect(seen.headers).toMatchObject({
        'x-auth-subject': 'alice',
        'x-auth-client-id': 'web',
        'x-auth-scopes': 'orders:read',
        'x-auth-issuer': issuer.url,
      })
    })
    it('401: the challenge reaches the client, the upstream is not called', async () => {
      const before = upstream.seen.length
      const res = await fetch(`${nginx.url}/orders`)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="api"${ADVERTISED_DPOP}`)
      const bad = await fetch(`${nginx.url}/orders`, { headers: bearer('not.a.jwt') })
      expect(bad.status).toBe(401)
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect(upstream.seen.length).toBe(before)
    })
    it('403: insufficient scope, with its challenge and JSON body', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'profile' })
      const res = await fetch(`${nginx.url}/orders`, { headers: bearer(token) })
      expect(res.status).toBe(403)
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
      expect(await res.json()).toMatchObject({ error: 'insufficient_scope' })
    })
    it('403: no rule matches (deny by default)', async () => {
      const res = await fetch(`${nginx.url}/elsewhere`, { headers: bearer(await issuer.token({})) })
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ error: 'access_denied' })
    })
    it('400: a malformed Authorization header gets its exact answer', async () => {
      const res = await fetch(`${nginx.url}/orders`, { headers: { authorization: 'Bearer a,b' } })
      expect(res.status).toBe(400)
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"')
    })
    it('POST: the original method decides, the body still reaches the upstream', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:write' })
      const res = await fetch(`${nginx.url}/orders`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'tea' }),
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ method: 'POST', body: '{"item":"tea"}' })
    })
    it('spoofed identity headers never reach the upstream', async () => {
      const spoof = {
        'x-auth-subject': 'mallory',
        'x-auth-scopes': 'admin',
        'x-auth-roles': 'admin',
      }
      const open = await fetch(`${nginx.url}/health`, { headers: spoof })
      expect(open.status).toBe(200)
      const seenOpen = (await open.json()) as { headers: Record<string, string> }
      expect(seenOpen.headers['x-auth-subject']).toBeUndefined()
      expect(seenOpen.headers['x-auth-scopes']).toBeUndefined()
      expect(seenOpen.headers['x-auth-roles']).toBeUndefined()
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      const authed = await fetch(`${nginx.url}/orders`, { headers: { ...bearer(token), ...spoof } })
      const seenAuthed = (await authed.json()) as { headers: Record<string, string> }
      expect(seenAuthed.headers['x-auth-subject']).toBe('alice')
      expect(seenAuthed.headers['x-auth-scopes']).toBe('orders:read')
      // no roles in the token: the client's own never reaches the upstream
      expect(seenAuthed.headers['x-auth-roles']).toBeUndefined()
    })
  })

  describe('the recheck header', () => {
    it('a client cannot send X-Bearerguard-Recheck itself to turn its 200 into a 503', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      const res = await fetch(`${nginx.url}/orders`, {
        headers: { ...bearer(token), 'x-bearerguard-recheck': '1' },
      })
      expect(res.status).toBe(200)
    })
  })

  describe('outages behind nginx', () => {
    it('503 with Retry-After when the authorization server is down, never 401', async () => {
      const down = await startGateway({
        guard: {
          issuer: issuer.url,
          audience: AUDIENCE,
          jwksUri: 'http://127.0.0.1:1/jwks',
          timeout: 300,
        },
      })
      const proxy = await startNginx(
        readmeServerBlock(down.api.replace('http://', ''), upstream.url),
      )
      try {
        const res = await fetch(`${proxy.url}/orders`, { headers: bearer(await issuer.token({})) })
        expect(res.status).toBe(503)
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        expect(res.headers.get('www-authenticate') ?? '').not.toContain('invalid_token')
      } finally {
        await proxy.stop()
        await down.close()
      }
    })
    it('502 (not 401, not 200) when the gateway itself is down', async () => {
      const proxy = await startNginx(
        readmeServerBlock(`127.0.0.1:${await freePort()}`, upstream.url),
      )
      try {
        const res = await fetch(`${proxy.url}/orders`, { headers: bearer(await issuer.token({})) })
        expect(res.status).toBe(502)
      } finally {
        await proxy.stop()
      }
    })
  })
})
