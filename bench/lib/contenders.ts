/** The contenders: one server file each under bench/servers/, grouped by framework family. */

export type Family = 'express' | 'koa' | 'fastify' | 'nestjs' | 'hono' | 'http'

export interface Contender {
  /** Name used in --only, tables and results.json; also the server file's name. */
  name: string
  family: Family
  /** A baseline: no authentication at all. */
  bare: boolean
  /** Answers 200 to an opaque token by introspecting it. */
  introspection: boolean
  /** Keeps verified tokens (and introspection results): its caches are refreshed before slots. */
  cachesTokens: boolean
  /** One line for RESULTS.md and README.md. */
  description: string
  /**
   * `@opentelemetry/api` in its server's process: absent when unset (run.ts preloads
   * servers/without-otel-api.mjs, which makes it unresolvable, as for an app without it);
   * `api`: importable, no SDK (the global no-op providers); `sdk`: importable, and an SDK
   * registered before the app (servers/otel-sdk.ts). Its server reads it from `BENCH_OTEL`.
   */
  openTelemetry?: 'api' | 'sdk'
  /** Its server file under servers/, when not its name (variants of one server). */
  server?: string
  /** Its server answers GET /__otel (servers/otel.ts): checked before timing. */
  reportsOpenTelemetry?: boolean
}

/** The telemetry variants of bearerguard-express and the contender they are compared with. */
export const OTEL_ABSENT = 'bearerguard-express'
export const OTEL_VARIANTS = [
  'bearerguard-express-otel-api',
  'bearerguard-express-otel-sdk',
] as const

export const CONTENDERS: readonly Contender[] = [
  {
    name: 'bare-express',
    family: 'express',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description: 'Express 5, no authentication (baseline of the Express family)',
  },
  {
    name: 'bare-koa',
    family: 'koa',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description: 'Koa 3 + @koa/router, no authentication (baseline of the Koa family)',
  },
  {
    name: 'bare-fastify',
    family: 'fastify',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description: 'Fastify 5, no authentication (baseline of the Fastify family)',
  },
  {
    name: 'bare-nestjs',
    family: 'nestjs',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description: 'NestJS 12 on platform-express, no authentication (baseline of the NestJS family)',
  },
  {
    name: 'bare-hono',
    family: 'hono',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description:
      'Hono 4 on Node (@hono/node-server), no authentication (baseline of the Hono family)',
  },
  {
    name: 'bare-http',
    family: 'http',
    bare: true,
    introspection: false,
    cachesTokens: false,
    description: 'node:http, no authentication (baseline of the node:http family)',
  },
  {
    name: 'bearerguard-express',
    family: 'express',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/express: bearerAuth({ issuer, audience, introspection }) + requireScopes('orders:read') + authErrorHandler(); @opentelemetry/api absent from the process (telemetry off)",
    reportsOpenTelemetry: true,
  },
  {
    name: 'bearerguard-express-otel-api',
    family: 'express',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      'bearerguard-express with @opentelemetry/api 1.9 importable and no SDK: a span and metrics per request through the global no-op providers',
    openTelemetry: 'api',
    server: 'bearerguard-express',
    reportsOpenTelemetry: true,
  },
  {
    name: 'bearerguard-express-otel-sdk',
    family: 'express',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      'bearerguard-express with the OpenTelemetry SDK 2.x registered before the app: AsyncLocalStorage context manager, BatchSpanProcessor and PeriodicExportingMetricReader over exporters that drop (count) what they get',
    openTelemetry: 'sdk',
    server: 'bearerguard-express',
    reportsOpenTelemetry: true,
  },
  {
    name: 'bearerguard-koa',
    family: 'koa',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/koa: bearerAuth({ issuer, audience, introspection }) + requireScopes('orders:read') on @koa/router",
  },
  {
    name: 'bearerguard-fastify',
    family: 'fastify',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/fastify: register(bearerguard, { issuer, audience, introspection }) + route config { scopes: ['orders:read'] }",
  },
  {
    name: 'bearerguard-nestjs',
    family: 'nestjs',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/nestjs: BearerguardModule.forRoot({ issuer, audience, introspection }) + @RequireScopes('orders:read') on the controller (NestJS 12, platform-express)",
  },
  {
    name: 'bearerguard-hono',
    family: 'hono',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/hono: bearerAuth({ issuer, audience, introspection }) + requireScopes('orders:read') (Hono 4 on @hono/node-server)",
  },
  {
    name: 'bearerguard-gateway',
    family: 'http',
    bare: false,
    introspection: true,
    cachesTokens: true,
    description:
      "@bearerguard/gateway's decision endpoint (Envoy ext_authz contract, no path prefix): rule GET /orders → orders:read; 200 with identity headers, no body",
  },
  {
    name: 'express-oauth2-jwt-bearer',
    family: 'express',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      "express-oauth2-jwt-bearer: auth({ issuerBaseURL, audience }) + requiredScopes('orders:read')",
  },
  {
    name: 'express-jwt',
    family: 'express',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      'express-jwt + jwks-rsa expressJwtSecret({ jwksUri, cache: true, rateLimit: true }), RS256, audience, issuer; scope checked by hand',
  },
  {
    name: 'koa-jwt',
    family: 'koa',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      'koa-jwt + jwks-rsa koaJwtSecret({ jwksUri, cache: true, rateLimit: true }), RS256, audience, issuer; scope checked by hand',
  },
  {
    name: 'fastify-jwt',
    family: 'fastify',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      '@fastify/jwt + get-jwks (issuersWhitelist, key cache), RS256, allowedIss, allowedAud; request.jwtVerify() in onRequest; scope checked by hand',
  },
  {
    name: 'nestjs-passport',
    family: 'nestjs',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      "@nestjs/passport + passport-jwt with jwks-rsa (passportJwtSecret), AuthGuard('jwt'), scope checked by hand (NestJS 12, platform-express)",
  },
  {
    name: 'hono-jwk',
    family: 'hono',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      "Hono's own hono/jwk: jwk({ jwks_uri, alg: ['RS256'], verification: { iss, aud } }) (no key cache: the JWKS is fetched per request); scope checked by hand",
  },
  {
    name: 'jose-http',
    family: 'http',
    bare: false,
    introspection: false,
    cachesTokens: false,
    description:
      'node:http + jose createRemoteJWKSet + jwtVerify({ issuer, audience, algorithms: [RS256] }); scope checked by hand',
  },
]

/** The baseline of a family. */
export function bareOf(family: Family): string {
  return `bare-${family}`
}
