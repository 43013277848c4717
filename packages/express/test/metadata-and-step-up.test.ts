/** protectedResourceMetadata(), requireStepUp(), @RequireStepUp() and withMcpAuth() on Express 5 and 4. */
import { createGuard, InsufficientUserAuthenticationError } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import type { Response } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearerAuth,
  protectedResourceMetadata,
  requireStepUp,
  RequireStepUp,
  withMcpAuth,
} from '../src/index.js'
import { AUDIENCE, expressVersions } from './app.js'

const WK = '/.well-known/oauth-protected-resource'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(expressVersions)('on %s', (_name, express) => {
  it('protectedResourceMetadata(options) turns metadata on for the guard it creates', async () => {
    const app = express().use(protectedResourceMetadata({ issuer: issuer.url, audience: AUDIENCE }))
    const res = await request(app).get(WK)
    expect(res.status).toBe(200)
    expect(res.body.resource).toBe(AUDIENCE)
  })

  it('works mounted under a path prefix only for requests that reach it', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, resourceMetadata: true })
    const app = express()
    app.use('/api', protectedResourceMetadata(guard))
    app.use((_req, res) => {
      res.status(404).end()
    })
    expect((await request(app).get(WK)).status).toBe(404)
    expect((await request(app).get(`/api${WK}`)).status).toBe(404)
  })

  it('requireStepUp() without bearerAuth() fails loudly (500), never open', async () => {
    const app = express()
    app.set('env', 'test')
    app.get('/pay', requireStepUp({ maxAge: 60 }), (_req, res) => {
      res.send('open')
    })
    const res = await request(app).get('/pay')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('open')
  })

  it('requireStepUp() hands the RFC 9470 error to the error handler', async () => {
    const seen: unknown[] = []
    const app = express()
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    app.get('/pay', requireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 60 }), (_req, res) => {
      res.send('paid')
    })
    app.use((err: unknown, _req: unknown, res: Response, _next: unknown) => {
      seen.push(err)
      res.status(418).end()
    })
    const old = await issuer.token({ acr: 'urn:example:mfa', auth_time: 1_700_000_000 })
    expect((await request(app).get('/pay').set('Authorization', `Bearer ${old}`)).status).toBe(418)
    expect(seen[0]).toBeInstanceOf(InsufficientUserAuthenticationError)
    const fresh = await issuer.token({
      acr: 'urn:example:mfa',
      auth_time: Math.floor(Date.now() / 1000),
    })
    const ok = await request(app).get('/pay').set('Authorization', `Bearer ${fresh}`)
    expect(ok.text).toBe('paid')
  })

  it('@RequireStepUp() on a controller method is enforced however it is mounted', async () => {
    class Payments {
      @RequireStepUp({ maxAge: 60 })
      pay(_req: unknown, res: Response) {
        res.send('paid')
      }
    }
    const app = express()
    app.set('env', 'test')
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    app.get('/pay', new Payments().pay)
    const old = await issuer.token({ auth_time: 1_700_000_000 })
    const res = await request(app).get('/pay').set('Authorization', `Bearer ${old}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain('max_age="60"')
    const fresh = await issuer.token({ auth_time: Math.floor(Date.now() / 1000) })
    expect((await request(app).get('/pay').set('Authorization', `Bearer ${fresh}`)).text).toBe(
      'paid',
    )
  })

  it('withMcpAuth() gives the MCP SDK its AuthInfo shape and keeps ours', async () => {
    const app = express()
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    app.get('/mcp', (req, res) => {
      res.json(withMcpAuth(req).auth ?? null)
    })
    const named = await issuer.token({ sub: 'alice', client_id: 'inspector', scope: 'a b' })
    const res = await request(app).get('/mcp').set('Authorization', `Bearer ${named}`)
    expect(res.body).toMatchObject({
      token: named,
      clientId: 'inspector',
      scopes: ['a', 'b'],
      subject: 'alice',
      extra: { subject: 'alice', issuer: issuer.url, audience: [AUDIENCE], format: 'jwt' },
    })
    const anonymous = await issuer.token({ sub: 'bob', client_id: undefined })
    const res2 = await request(app).get('/mcp').set('Authorization', `Bearer ${anonymous}`)
    expect(res2.body.clientId).toBe('')
  })
})

describe('start-up checks', () => {
  it('protectedResourceMetadata(guard) refuses a guard without resourceMetadata', () => {
    const guard = createGuard({ issuer: 'https://as.example.com', audience: AUDIENCE })
    expect(() => protectedResourceMetadata(guard)).toThrow(/"resourceMetadata" option/)
  })
  it('requireStepUp() refuses an empty or invalid requirement', () => {
    expect(() => requireStepUp({})).toThrow(/requireStepUp\(\) needs acrValues, maxAge or both/)
    expect(() => requireStepUp({ acrValues: ['a b'] })).toThrow(/invalid acr value/)
  })
})
