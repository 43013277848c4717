import { AuthError, createGuard, type Guard } from '@bearerguard/core'
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import bearerguard, { authErrorHandler, protectedResourceMetadata } from '../src/index.js'

const AUDIENCE = 'https://api.example.com'
let issuer: TestIssuer
const apps: FastifyInstance[] = []

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
})
afterEach(async () => {
  issuer.fault('all', undefined)
  await Promise.all(apps.splice(0).map((app) => app.close()))
})
afterAll(() => issuer.close())

const options = () => ({ issuer: issuer.url, audience: AUDIENCE, jwksCooldown: 0 })

/** A Fastify app, closed after the test; `build` declares its plugins and routes. */
async function appWith(build: (app: FastifyInstance) => void | Promise<void>) {
  const app = Fastify({ logger: false })
  apps.push(app)
  await build(app)
  await app.ready()
  return app.server
}

const bearer = async (claims: Record<string, unknown> = {}) =>
  `Bearer ${await issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })}`

describe('the bearerguard plugin', () => {
  it('authenticates every route of its context and sets request.auth', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/me', (req) => ({ subject: req.auth?.subject, scopes: req.auth?.scopes }))
    })
    const ok = await request(server)
      .get('/me')
      .set('Authorization', await bearer())
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ subject: 'alice', scopes: ['orders:read'] })

    const none = await request(server).get('/me')
    expect(none.status).toBe(401)
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="api"/)
    expect(none.headers['content-type']).toMatch(/^application\/json/)
    expect(none.body).toEqual({ error: 'unauthorized', error_description: expect.any(String) })
  })

  it('enforces route config: scopes, anyScopes, stepUp, and public skips authentication', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/orders', { config: { scopes: ['orders:read'] } }, () => ({ ok: 'read' }))
      app.post('/orders', { config: { anyScopes: ['orders:write', 'admin'] } }, () => ({
        ok: 'write',
      }))
      app.get('/mfa', { config: { stepUp: { acrValues: ['urn:mfa'] } } }, () => ({ ok: 'mfa' }))
      app.get('/health', { config: { public: true } }, (req) => ({ auth: req.auth ?? null }))
    })
    const reader = await bearer()
    expect((await request(server).get('/orders').set('Authorization', reader)).status).toBe(200)

    const denied = await request(server).post('/orders').set('Authorization', reader)
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_scope", .*scope="orders:write admin"/,
    )
    expect(denied.body.error).toBe('insufficient_scope')
    const admin = await bearer({ scope: 'admin' })
    expect((await request(server).post('/orders').set('Authorization', admin)).status).toBe(200)

    const noMfa = await request(server).get('/mfa').set('Authorization', reader)
    expect(noMfa.status).toBe(401)
    expect(noMfa.headers['www-authenticate']).toContain('error="insufficient_user_authentication"')
    const mfa = await bearer({ acr: 'urn:mfa' })
    expect((await request(server).get('/mfa').set('Authorization', mfa)).status).toBe(200)

    // public: no token needed, and a token there is not even looked at
    const open = await request(server).get('/health').set('Authorization', 'Bearer not-a-jwt')
    expect(open.status).toBe(200)
    expect(open.body).toEqual({ auth: null })
  })

  it('enforces roles, anyRoles and claims from route config and preHandlers', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, { ...options(), roleClaims: [['realm_access', 'roles']] })
      app.get('/admin', { config: { roles: ['admin'] } }, () => 'admin')
      app.get('/staff', { config: { anyRoles: ['admin', 'support'] } }, () => 'staff')
      app.get('/acme', { config: { claims: { tenant: 'acme' } } }, () => 'acme')
      app.get('/mine', { config: { claims: (auth) => auth.subject === 'alice' } }, () => 'mine')
      app.get('/pre', { preHandler: app.requireRoles('admin') }, () => 'pre')
      app.get('/pre-any', { preHandler: app.requireAnyRole('x', 'support') }, () => 'pre-any')
      app.get('/pre-claims', { preHandler: app.requireClaims({ tenant: 'acme' }) }, () => 'pc')
    })
    const support = await bearer({ realm_access: { roles: ['support'] }, tenant: 'acme' })
    const status = async (path: string) =>
      (await request(server).get(path).set('Authorization', support)).status
    expect(await status('/admin')).toBe(403)
    expect(await status('/staff')).toBe(200)
    expect(await status('/acme')).toBe(200)
    expect(await status('/mine')).toBe(200)
    expect(await status('/pre')).toBe(403)
    expect(await status('/pre-any')).toBe(200)
    expect(await status('/pre-claims')).toBe(200)
    const denied = await request(server).get('/admin').set('Authorization', support)
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
    expect(denied.headers['www-authenticate']).not.toContain('scope=')
  })

  it('app.requireScopes/requireAnyScope/requireStepUp work as preHandlers', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/all', { preHandler: app.requireScopes('orders:read', 'admin') }, () => 'all')
      app.get('/any', { preHandler: app.requireAnyScope('admin', 'orders:read') }, () => 'any')
      app.get('/recent', { preHandler: app.requireStepUp({ maxAge: 60 }) }, () => 'recent')
    })
    const reader = await bearer()
    const all = await request(server).get('/all').set('Authorization', reader)
    expect(all.status).toBe(403)
    expect(all.headers['www-authenticate']).toContain('scope="orders:read admin"')
    expect((await request(server).get('/any').set('Authorization', reader)).status).toBe(200)
    const old = await bearer({ auth_time: Math.floor(Date.now() / 1000) - 600 })
    const stale = await request(server).get('/recent').set('Authorization', old)
    expect(stale.status).toBe(401)
    expect(stale.headers['www-authenticate']).toContain('max_age="60"')
  })

  it('respects encapsulation: only the context it is registered in (and its children) is protected', async () => {
    const server = await appWith(async (app) => {
      app.get('/open', () => 'open')
      await app.register(
        async (api) => {
          await api.register(bearerguard, options())
          api.get('/me', (req) => ({ subject: req.auth?.subject }))
          await api.register(async (child) => {
            child.get('/child', { config: { scopes: ['admin'] } }, () => 'child')
          })
        },
        { prefix: '/api' },
      )
      await app.register(async (sibling) => {
        sibling.get('/sibling', (req) => ({ auth: req.auth ?? null }))
      })
    })
    expect((await request(server).get('/open')).status).toBe(200)
    expect((await request(server).get('/sibling')).body).toEqual({ auth: null })
    expect((await request(server).get('/api/me')).status).toBe(401)
    const reader = await bearer()
    expect((await request(server).get('/api/me').set('Authorization', reader)).body).toEqual({
      subject: 'alice',
    })
    expect((await request(server).get('/api/child').set('Authorization', reader)).status).toBe(403)
  })

  it('protects routes declared before the plugin in the same context too', async () => {
    const server = await appWith(async (app) => {
      app.get('/early', { config: { scopes: ['admin'] } }, () => 'early')
      await app.register(bearerguard, options())
    })
    expect((await request(server).get('/early')).status).toBe(401)
    const reader = await bearer()
    expect((await request(server).get('/early').set('Authorization', reader)).status).toBe(403)
  })

  it('refuses two Authorization headers with 400 invalid_request', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/me', () => 'me')
    })
    const token = await bearer()
    const res = await request(server)
      .get('/me')
      .set('Authorization', [token, token] as unknown as string) // sent twice
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"')
  })

  it('answers 503 with Retry-After when the keys cannot be fetched, never 401', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/me', () => 'me')
    })
    issuer.fault('all', { type: 'status', status: 500 })
    const res = await request(server)
      .get('/me')
      .set('Authorization', await bearer())
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toMatch(/^\d+$/)
    expect(res.headers['www-authenticate']).toBeUndefined()
    expect(res.body.error).toBe('temporarily_unavailable')
  })

  it('reads a form-body token (RFC 6750 §2.2) after the body is parsed, when the guard accepts it', async () => {
    const server = await appWith(async (app) => {
      await app.register(formbody)
      await app.register(bearerguard, { ...options(), bearerMethods: ['header', 'body'] })
      app.post('/me', (req) => ({ subject: req.auth?.subject, source: req.auth?.tokenSource }))
    })
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(server).post('/me').type('form').send({ access_token: token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'bob', source: 'body' })
  })

  it('sets Cache-Control: private for a token sent in the query', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, { ...options(), bearerMethods: ['query'] })
      app.get('/me', () => 'me')
    })
    const token = await issuer.token({ sub: 'bob' })
    const res = await request(server).get(`/me?access_token=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('private')
  })

  it('checks the DPoP htu against the URL Fastify trusts (trustProxy)', async () => {
    const key = await createDpopKey('ES256')
    const token = await issuer.token({ sub: 'carol', cnf: { jkt: key.jkt } })
    const proof = (url: string) => dpopProof(key, { method: 'GET', url, accessToken: token })
    const make = (trustProxy: boolean) => {
      const app = Fastify({ trustProxy })
      apps.push(app)
      return app
        .register(bearerguard, options())
        .after(() => {
          app.get('/me', (req) => ({ subject: req.auth?.subject }))
        })
        .ready()
        .then(() => app.server)
    }
    const external = 'https://api.example.com/me'
    const trusted = await make(true)
    const ok = await request(trusted)
      .get('/me')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', proof(external))
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
    expect(ok.status).toBe(200)
    const untrusted = await make(false)
    const refused = await request(untrusted)
      .get('/me')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', proof(external))
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_dpop_proof"')
  })
})

describe('errors and the app’s error handler', () => {
  it('a setErrorHandler receives the AuthError first, and authErrorHandler answers it', async () => {
    const seen: unknown[] = []
    const server = await appWith(async (app) => {
      app.setErrorHandler((error, req, reply) => {
        seen.push(error)
        if (error instanceof AuthError) return authErrorHandler(error, req, reply)
        return reply.code(500).send({ oops: true })
      })
      await app.register(bearerguard, options())
      app.get('/orders', { config: { scopes: ['admin'] } }, () => 'orders')
    })
    const res = await request(server)
      .get('/orders')
      .set('Authorization', await bearer())
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: expect.any(String) })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(AuthError)
  })

  it('a route’s own errorHandler receives it too', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, options())
      app.get('/x', {
        errorHandler: (error, _req, reply) => {
          void reply.code(418).send({ mine: (error as AuthError).status })
        },
        handler: () => 'x',
      })
    })
    const res = await request(server).get('/x')
    expect(res.status).toBe(418)
    expect(res.body).toEqual({ mine: 401 })
  })

  it('an error handler that hands the AuthError on still gets status and WWW-Authenticate from Fastify', async () => {
    const server = await appWith(async (app) => {
      app.setErrorHandler((error) => {
        throw error
      })
      await app.register(bearerguard, options())
      app.get('/x', () => 'x')
    })
    const res = await request(server).get('/x').set('Authorization', 'Bearer a.b.c')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"')
  })

  it('a bug (anything not an AuthError) is Fastify’s 500, never a 401', async () => {
    const buggy = Object.create(createGuard(options()), {
      check: {
        value: () => {
          throw new TypeError('a bug in a custom guard')
        },
      },
    }) as Guard
    const server = await appWith(async (app) => {
      await app.register(bearerguard, { guard: buggy })
      app.get('/x', () => 'x')
    })
    const res = await request(server).get('/x').set('Authorization', 'Bearer abc')
    expect(res.status).toBe(500)
    expect(res.headers['www-authenticate']).toBeUndefined()
  })
})

describe('configuration errors fail at start-up', () => {
  const start = (build: (app: FastifyInstance) => void) => {
    const app = Fastify()
    apps.push(app)
    build(app)
    return app.ready()
  }

  it('bad guard options', async () => {
    await expect(
      start((app) => void app.register(bearerguard, { issuer: issuer.url } as never)),
    ).rejects.toThrow(/audience/)
  })

  /** An app with the plugin registered and loaded, to declare routes on. */
  const registered = async () => {
    const app = Fastify()
    apps.push(app)
    await app.register(bearerguard, options())
    return app
  }

  it('a malformed route requirement names the route, when the route is declared', async () => {
    const app = await registered()
    expect(() => app.get('/x', { config: { scopes: ['a b'] } }, () => 'x')).toThrow(
      'bearerguard: route GET /x: config.scopes got an invalid scope "a b"',
    )
    expect(() => app.get('/y', { config: { scopes: [] } }, () => 'y')).toThrow(
      'bearerguard: route GET /y: config.scopes needs at least one scope',
    )
    expect(() => app.get('/z', { config: { public: true, scopes: ['a'] } }, () => 'z')).toThrow(
      'config.public cannot be combined',
    )
    expect(() => app.get('/s', { config: { stepUp: {} } }, () => 's')).toThrow(
      'bearerguard: route GET /s: config.stepUp needs acrValues, maxAge or both',
    )
  })

  it('malformed role and claim requirements name the route', async () => {
    const app = await registered()
    expect(() => app.get('/r', { config: { roles: [] } }, () => 'r')).toThrow(
      'bearerguard: route GET /r: config.roles needs at least one role',
    )
    expect(() => app.get('/c', { config: { claims: { tenant: {} } as never } }, () => 'c')).toThrow(
      'bearerguard: route GET /c: config.claims claim "tenant" must expect',
    )
  })

  it('registering twice in one context', async () => {
    await expect(
      start((app) => {
        void app.register(bearerguard, options())
        void app.register(bearerguard, options())
      }),
    ).rejects.toThrow('already registered in this context')
  })

  it('a requireScopes() without scopes', async () => {
    const app = await registered()
    expect(() => app.requireScopes()).toThrow('needs at least one scope')
  })
})

describe('the guard’s life', () => {
  it('a guard the plugin created is closed with the app; a shared one is not', async () => {
    const shared = createGuard(options())
    const app = Fastify()
    await app.register(async (a) => {
      await a.register(bearerguard, options())
    })
    await app.register(async (b) => {
      await b.register(bearerguard, { guard: shared })
      b.get('/b', () => 'b')
    })
    await app.ready()
    await app.close()
    // the shared guard still answers
    const res = await shared.authenticate({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: { authorization: await bearer() },
    })
    expect(res?.subject).toBe('alice')
    await shared.close()
  })
})

describe('protectedResourceMetadata', () => {
  it('serves RFC 9728 with the scopes the routes declare, and its routes are public', async () => {
    const guard = createGuard({ ...options(), resourceMetadata: true })
    const server = await appWith(async (app) => {
      await app.register(protectedResourceMetadata, { guard, scopes: ['profile'] })
      await app.register(bearerguard, { guard })
      app.get('/orders', { config: { scopes: ['orders:read'] } }, () => 'orders')
      app.post('/orders', { config: { anyScopes: ['orders:write', 'admin'] } }, () => 'created')
    })
    const res = await request(server).get('/.well-known/oauth-protected-resource')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body.resource).toBe(AUDIENCE)
    expect(res.body.scopes_supported).toEqual(['admin', 'orders:read', 'orders:write', 'profile'])
    expect((await request(server).head('/.well-known/oauth-protected-resource')).status).toBe(200)
    expect((await request(server).options('/.well-known/oauth-protected-resource')).status).toBe(
      204,
    )
    const post = await request(server).post('/.well-known/oauth-protected-resource')
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS')
    // and the protected routes point clients at it
    const challenge = (await request(server).get('/orders')).headers['www-authenticate']
    expect(challenge).toContain(
      'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"',
    )
    await guard.close()
  })

  it('uses the guard of the bearerguard plugin registered before it, and fails loudly without one', async () => {
    const server = await appWith(async (app) => {
      await app.register(bearerguard, { ...options(), resourceMetadata: true })
      await app.register(protectedResourceMetadata)
    })
    expect((await request(server).get('/.well-known/oauth-protected-resource')).status).toBe(200)
    const bare = Fastify()
    apps.push(bare)
    await expect(bare.register(protectedResourceMetadata).ready()).rejects.toThrow(
      'protectedResourceMetadata needs { guard }',
    )
  })
})
