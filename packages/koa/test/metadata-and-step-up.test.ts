/** protectedResourceMetadata(), requireStepUp(), @RequireStepUp() and toMcpAuthInfo() on Koa 3 and 2. */
import { createGuard } from '@bearerguard/core'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import Router from '@koa/router'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearerAuth,
  protectedResourceMetadata,
  requireStepUp,
  RequireStepUp,
  toMcpAuthInfo,
} from '../src/index.js'
import { koaVersions } from './app.js'

const AUDIENCE = 'https://api.example.com'
const WK = '/.well-known/oauth-protected-resource'
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterAll(() => issuer.close())

describe.each(koaVersions)('on %s', (_name, Koa) => {
  it('protectedResourceMetadata(options) turns metadata on for the guard it creates', async () => {
    const app = new Koa().use(protectedResourceMetadata({ issuer: issuer.url, audience: AUDIENCE }))
    const res = await request(app.callback()).get(WK)
    expect(res.status).toBe(200)
    expect(res.body.resource).toBe(AUDIENCE)
    expect((await request(app.callback()).get('/other')).status).toBe(404)
  })

  it('requireStepUp() without bearerAuth() fails loudly (500), never open', async () => {
    const app = new Koa()
    app.silent = true
    const router = new Router()
    router.get('/pay', requireStepUp({ maxAge: 60 }), (ctx) => {
      ctx.body = 'open'
    })
    app.use(router.routes())
    const res = await request(app.callback()).get('/pay')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('open')
  })

  it('requireStepUp() answers 401 insufficient_user_authentication, then lets a fresh login in', async () => {
    const app = new Koa()
    const router = new Router()
    router.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE, realm: 'pay' }))
    router.get('/pay', requireStepUp({ maxAge: 60 }), (ctx) => {
      ctx.body = 'paid'
    })
    app.use(router.routes())
    const old = await issuer.token({ auth_time: 1_700_000_000 })
    const res = await request(app.callback()).get('/pay').set('Authorization', `Bearer ${old}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="pay", error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age="60", ' +
        'DPoP algs="ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512"',
    )
    expect(res.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'A more recent authentication is required',
    })
    const fresh = await issuer.token({ auth_time: Math.floor(Date.now() / 1000) })
    const ok = await request(app.callback()).get('/pay').set('Authorization', `Bearer ${fresh}`)
    expect(ok.text).toBe('paid')
  })

  it('@RequireStepUp() on a controller method is enforced however it is mounted', async () => {
    class Admin {
      @RequireStepUp({ acrValues: ['urn:example:mfa'] })
      wipe(ctx: { body: unknown }) {
        ctx.body = 'wiped'
      }
    }
    const app = new Koa()
    const router = new Router()
    router.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    router.get('/wipe', new Admin().wipe)
    app.use(router.routes())
    const pwd = await issuer.token({ acr: 'urn:example:pwd' })
    const res = await request(app.callback()).get('/wipe').set('Authorization', `Bearer ${pwd}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain('acr_values="urn:example:mfa"')
    const mfa = await issuer.token({ acr: 'urn:example:mfa' })
    const ok = await request(app.callback()).get('/wipe').set('Authorization', `Bearer ${mfa}`)
    expect(ok.text).toBe('wiped')
  })

  it('toMcpAuthInfo(ctx.state.auth) is what an MCP transport reads from ctx.req.auth', async () => {
    const app = new Koa()
    app.use(bearerAuth({ issuer: issuer.url, audience: AUDIENCE }))
    app.use((ctx) => {
      const req = ctx.req as typeof ctx.req & { auth?: ReturnType<typeof toMcpAuthInfo> }
      req.auth = toMcpAuthInfo(ctx.state.auth)
      ctx.body = { clientId: req.auth?.clientId, scopes: req.auth?.scopes }
    })
    const token = await issuer.token({ client_id: undefined, scope: 'x' })
    const res = await request(app.callback()).get('/').set('Authorization', `Bearer ${token}`)
    expect(res.body).toEqual({ clientId: '', scopes: ['x'] })
  })
})

it('protectedResourceMetadata(guard) refuses a guard without resourceMetadata', () => {
  const guard = createGuard({ issuer: 'https://as.example.com', audience: AUDIENCE })
  expect(() => protectedResourceMetadata(guard)).toThrow(/"resourceMetadata" option/)
})
