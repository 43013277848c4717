/**
 * GraphQL resolvers (@nestjs/graphql with Apollo Server, platform-express) are protected by
 * the same global guard and decorators. A rejection is an error whose `extensions.code` is
 * Apollo's convention (UNAUTHENTICATED, FORBIDDEN, BAD_REQUEST, SERVICE_UNAVAILABLE) beside the
 * RFC 6750 `error` and the HTTP `status`; the response carries its headers (WWW-Authenticate,
 * Retry-After). Its HTTP status is the rejection's with `preserveHttpStatusForExecutionErrors: false`;
 * @nestjs/apollo's default resets a response with `data` to 200.
 */
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo'
import { Module } from '@nestjs/common'
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Auth, BearerguardModule, Public, RequireScopes, type AuthInfo } from '../src/index.js'
import { AUDIENCE, startApp } from './start-app.js'

const typeDefs = `
  type Me { subject: String, scopes: [String!]! }
  type Query { me: Me, orders: [String!]!, health: String! }
`

@Resolver()
class OrdersResolver {
  // declares nothing: any valid token
  @Query('me') me(@Auth() auth: AuthInfo) {
    return { subject: auth.subject, scopes: auth.scopes }
  }
  @Query('orders') @RequireScopes('orders:read') orders() {
    return ['tea']
  }
  @Query('health') @Public() health() {
    return 'ok'
  }
}

describe.each([
  ['default', undefined],
  ['preserveHttpStatusForExecutionErrors: false', false],
] as const)(
  'GraphQL (Apollo, platform-express), %s',
  (_name, preserveHttpStatusForExecutionErrors) => {
    // the HTTP status of a rejection: @nestjs/apollo resets it to 200 unless told not to
    const http = (status: number) => (preserveHttpStatusForExecutionErrors === false ? status : 200)
    let issuer: TestIssuer
    let server: never
    let close: () => Promise<void>
    const query = (q: string, token?: string) => {
      const req = request(server).post('/graphql').send({ query: q })
      return token ? req.set('Authorization', `Bearer ${token}`) : req
    }

    beforeAll(async () => {
      issuer = await createTestIssuer({ audience: AUDIENCE })
      @Module({
        imports: [
          BearerguardModule.forRoot({ issuer: issuer.url, audience: AUDIENCE, jwksCooldown: 0 }),
          GraphQLModule.forRoot<ApolloDriverConfig>({
            driver: ApolloDriver,
            typeDefs,
            ...(preserveHttpStatusForExecutionErrors === false && {
              preserveHttpStatusForExecutionErrors,
            }),
          }),
        ],
        providers: [OrdersResolver],
      })
      class AppModule {}
      const app = await startApp('express', AppModule)
      server = app.getHttpServer() as never
      close = () => app.close()
    })
    afterEach(() => issuer.fault('all', undefined))
    afterAll(async () => {
      await close()
      await issuer.close()
    })

    it('a valid token: the resolvers run, @Auth() gives the AuthInfo', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
      const res = await query('{ me { subject scopes } orders }', token)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: { me: { subject: 'alice', scopes: ['orders:read'] }, orders: ['tea'] },
      })
    })

    it('no token: HTTP 401 with the challenge, UNAUTHENTICATED with the RFC 6750 error', async () => {
      const res = await query('{ me { subject } }')
      expect(res.status).toBe(http(401))
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", DPoP algs="/)
      expect(res.body.data).toEqual({ me: null })
      expect(res.body.errors[0]).toMatchObject({
        path: ['me'],
        extensions: { code: 'UNAUTHENTICATED', error: 'unauthorized', status: 401 },
      })
      expect(res.body.errors[0].extensions.http).toBeUndefined() // Apollo took it
    })

    it('a token without the scope: HTTP 403 insufficient_scope, FORBIDDEN', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'profile' })
      const res = await query('{ orders }', token)
      expect(res.status).toBe(http(403))
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
      expect(res.headers['www-authenticate']).toContain('scope="orders:read"')
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        error: 'insufficient_scope',
      })
    })

    it('one token, several resolvers: each judged on its own requirement', async () => {
      const token = await issuer.token({ sub: 'alice', scope: 'profile' })
      const res = await query('{ me { subject } orders }', token)
      expect(res.status).toBe(http(403))
      expect(res.body.errors).toHaveLength(1)
      expect(res.body.errors[0].path).toEqual(['orders'])
    })

    it('an invalid token: 401 invalid_token; a public resolver needs none', async () => {
      const res = await query('{ me { subject } }', 'abc.def.ghi')
      expect(res.status).toBe(http(401))
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        error: 'invalid_token',
      })
      const open = await query('{ health }')
      expect(open.status).toBe(200)
      expect(open.body).toEqual({ data: { health: 'ok' } })
    })

    it('the authorization server down: 503 with Retry-After, SERVICE_UNAVAILABLE', async () => {
      issuer.fault('all', { type: 'status', status: 503 })
      // a token of a key not fetched yet: the guard needs the JWKS
      await issuer.rotateKeys()
      const token = await issuer.token({ sub: 'alice' })
      const res = await query('{ me { subject } }', token)
      expect(res.status).toBe(http(503))
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        error: 'temporarily_unavailable',
      })
    })
  },
)
