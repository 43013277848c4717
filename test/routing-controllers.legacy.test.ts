/**
 * The routing-controllers recipe of docs/routing-controllers.md, verbatim, in a real
 * routing-controllers 0.11 app on Express 5 with tokens from a real local authorization server:
 * `@Authorized(scopes)` checked by an `authorizationChecker` that runs the guard,
 * `@CurrentUser()` read by a `currentUserChecker`, and bearerguard's answers (status,
 * `WWW-Authenticate`, `Retry-After`, RFC 6750 body) kept by `defaultErrorHandler: false` and
 * `authErrorHandler()`. Compiled with experimentalDecorators (vitest project 'legacy-decorators').
 */
import 'reflect-metadata'
import {
  authErrorHandler,
  createGuard,
  RequireScopes,
  toRequestLike,
  type AuthInfo,
  type Guard,
} from '@bearerguard/express'
import { createDpopKey, createTestIssuer, dpopProof, type TestIssuer } from '@bearerguard/testing'
import express, { type ErrorRequestHandler, type Request, type Response } from 'express'
import {
  Authorized,
  CurrentUser,
  Get,
  HttpError,
  JsonController,
  NotFoundError,
  Param,
  useExpressServer,
  type Action,
} from 'routing-controllers'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const AUDIENCE = 'https://api.example.com'

// ---- the recipe (docs/routing-controllers.md) ----

/** `@Authorized('a', 'b')`: the token must carry every listed scope. */
function authorizationChecker(guard: Guard) {
  return async (action: Action, scopes: string[]): Promise<boolean> => {
    const req = action.request as Request
    const auth = await guard.authenticate(toRequestLike(req)) // 400, 401, 503: an AuthError
    guard.authorize(auth, { scopes }) // 401 when anonymous, 403 insufficient_scope
    req.auth = auth
    if (auth) (action.response as Response).set(guard.responseHeaders(auth))
    return true
  }
}

/** `@CurrentUser()`: the AuthInfo of the request (on routes with `@Authorized`). */
const currentUserChecker = (action: Action) => (action.request as Request).auth

/** routing-controllers' own HttpErrors (NotFoundError, …), which its default handler answered. */
const httpErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof HttpError) || res.headersSent) return next(err)
  res.status(err.httpCode).json({ name: err.name, message: err.message })
}

function createApp(guard: Guard) {
  const app = express()
  useExpressServer(app, {
    controllers: [OrdersController],
    defaultErrorHandler: false, // its handler drops WWW-Authenticate and Retry-After
    authorizationChecker: authorizationChecker(guard),
    currentUserChecker,
  })
  app.use(authErrorHandler(), httpErrorHandler)
  return app
}

// ---- a controller ----

@JsonController('/orders')
class OrdersController {
  @Get('/')
  @Authorized('orders:read')
  list(@CurrentUser() user: AuthInfo) {
    return { subject: user.subject, scheme: user.scheme }
  }

  @Get('/:id')
  @Authorized(['orders:read', 'orders:admin'])
  get(@Param('id') id: string, @CurrentUser({ required: true }) user: AuthInfo) {
    if (id === 'missing') throw new NotFoundError('no such order')
    return { id, subject: user.subject }
  }

  @Get('/me/token')
  @Authorized()
  me(@CurrentUser() user: AuthInfo) {
    return { subject: user.subject }
  }

  @Get('/public/health')
  health() {
    return { ok: true }
  }
}

// ---- the tests ----

let issuer: TestIssuer
let guard: Guard
let app: express.Express
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  guard = createGuard({ issuer: issuer.url, audience: AUDIENCE })
  app = createApp(guard)
})
afterAll(async () => {
  await guard.close()
  await issuer.close()
})

const bearer = async (scope: string) => `Bearer ${await issuer.token({ sub: 'alice', scope })}`

describe('routing-controllers with the recipe', () => {
  it('a valid token: 200, the identity through currentUserChecker', async () => {
    const res = await request(app)
      .get('/orders')
      .set('Authorization', await bearer('orders:read'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'alice', scheme: 'Bearer' })
  })

  it('no token: 401 with a bare WWW-Authenticate challenge', async () => {
    const res = await request(app).get('/orders')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="/)
    expect(res.headers['www-authenticate']).not.toContain('error=')
  })

  it('an invalid token: 401 invalid_token, with the RFC 6750 body', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' }, { key: 'unknown' })
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(res.body.error).toBe('invalid_token')
  })

  it('a missing scope: 403 insufficient_scope naming every scope the route needs', async () => {
    const res = await request(app)
      .get('/orders/7')
      .set('Authorization', await bearer('orders:read'))
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
    expect(res.headers['www-authenticate']).toContain('scope="orders:read orders:admin"')
    expect(res.body.error).toBe('insufficient_scope')
  })

  it('every scope: 200, with @Param and @CurrentUser injected', async () => {
    const res = await request(app)
      .get('/orders/7')
      .set('Authorization', await bearer('orders:read orders:admin'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: '7', subject: 'alice' })
  })

  it('@Authorized() without scopes: any valid token, and none is a 401', async () => {
    const ok = await request(app)
      .get('/orders/me/token')
      .set('Authorization', await bearer('profile'))
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ subject: 'alice' })
    const none = await request(app).get('/orders/me/token')
    expect(none.status).toBe(401)
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="/)
  })

  it("the app's own HttpErrors keep their status", async () => {
    const res = await request(app)
      .get('/orders/missing')
      .set('Authorization', await bearer('orders:read orders:admin'))
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ message: 'no such order' })
  })

  it('a route without @Authorized needs no token', async () => {
    expect((await request(app).get('/orders/public/health')).status).toBe(200)
  })

  it('two Authorization headers: 400 invalid_request', async () => {
    const res = await request(app)
      .get('/orders')
      // two header lines (supertest's types allow an array for Cookie only)
      .set('Authorization', [
        await bearer('orders:read'),
        await bearer('orders:read'),
      ] as unknown as string)
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"')
  })

  it('DPoP: a proof for the request URL is accepted; a bound token sent as Bearer is not', async () => {
    const key = await createDpopKey()
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { jkt: key.jkt } })
    const server = app.listen(0)
    try {
      const { port } = server.address() as { port: number }
      const url = `http://127.0.0.1:${port}/orders`
      const ok = await request(server)
        .get('/orders')
        .set('Host', `127.0.0.1:${port}`)
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', dpopProof(key, { method: 'GET', url, accessToken: token }))
      expect(ok.status).toBe(200)
      expect(ok.body).toEqual({ subject: 'alice', scheme: 'DPoP' })
      const asBearer = await request(server).get('/orders').set('Authorization', `Bearer ${token}`)
      expect(asBearer.status).toBe(401)
      expect(asBearer.headers['www-authenticate']).toContain('invalid_token')
    } finally {
      server.close()
    }
  })

  it('the JWKS endpoint failing: 503 with Retry-After, never 401', async () => {
    const fresh = createGuard({ issuer: issuer.url, audience: AUDIENCE, timeout: 300 })
    issuer.fault('jwks', { type: 'status', status: 500 })
    try {
      const res = await request(createApp(fresh))
        .get('/orders')
        .set('Authorization', await bearer('orders:read'))
      expect(res.status).toBe(503)
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(res.body.error).toBe('temporarily_unavailable')
    } finally {
      issuer.fault('jwks', undefined)
      await fresh.close()
    }
  })
})

/** @bearerguard/express's decorators on a routing-controllers controller: the 500s. */
@RequireScopes('orders:read')
@JsonController('/misused')
class MisusedController {
  @Get('/:id')
  get(@Param('id') id: string) {
    return { id }
  }
  @Get('/')
  async list() {
    await Promise.resolve()
    return []
  }
}

describe("@bearerguard/express's decorators in routing-controllers", () => {
  it.each(['/misused/7', '/misused'])(
    'GET %s fails loudly (500), the error pointing at the recipe',
    async (path) => {
      const errors: unknown[] = []
      const misused = express()
      useExpressServer(misused, { controllers: [MisusedController], defaultErrorHandler: false })
      misused.use(((err, _req, res, _next) => {
        errors.push(err)
        res.status(500).end()
      }) as ErrorRequestHandler)
      const res = await request(misused)
        .get(path)
        .set('Authorization', await bearer('orders:read'))
      expect(res.status).toBe(500)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBeInstanceOf(Error)
      expect(errors[0]).not.toBeInstanceOf(TypeError)
      const message = (errors[0] as Error).message
      expect(message).toMatch(
        /^bearerguard: MisusedController\.(get|list) has the scope decorators of @bearerguard\/express, which serve Express handlers called as \(req, res, next\), but it was called as \((string)?\)/,
      )
      expect(message).toContain(
        'for routing-controllers, @Authorized() with an authorizationChecker: ' +
          'https://github.com/bearerguard/bearerguard/blob/main/docs/routing-controllers.md',
      )
    },
  )
})
