/**
 * The gateway's configuration file, as a zod schema: the guard's options (validated by
 * `@bearerguard/core` itself), the listeners, the forward-auth endpoints, the identity headers
 * and the rules. Every field is documented in the package README.
 */
import { SCOPE_TOKEN } from '@bearerguard/core/adapter'
import { z } from 'zod'

/** An HTTP header name (RFC 9110 token), stored lower-cased. */
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name, e.g. x-auth-subject')
  .transform((name) => name.toLowerCase())

/** An identity header, or `false` to leave it out. */
const optionalHeader = z.union([headerName, z.literal(false)])

const port = z.number().int().min(0).max(65535)

/** An absolute http(s) URL. */
const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}, 'must be an absolute http:// or https:// URL')

/** A path of the decision API: starts with `/`. */
const apiPath = z.string().regex(/^\/[^?#\s]*$/, 'must be a path starting with "/"')

/** RFC 6749 §3.3 scope-token. */
const scope = z.string().regex(SCOPE_TOKEN, 'must be an RFC 6749 scope token (no spaces or quotes)')

/** A role name (`roles`, `anyRoles`). */
const role = z.string().min(1)

/** A value a claim must hold: a string, a finite number or a boolean. */
const claimValue = z.union([z.string(), z.number().finite(), z.boolean()])

/**
 * Claim name → the value it must equal, or a list of values that must all be in it. A claim
 * named `__proto__` is refused before parsing: a record drops that key, which would drop the
 * requirement and let every token through.
 */
const claimValues = z
  .unknown()
  .refine(
    (raw) => !(typeof raw === 'object' && raw !== null && Object.hasOwn(raw, '__proto__')),
    'a claim named "__proto__" cannot be required',
  )
  .pipe(
    z
      .record(z.string().min(1), z.union([claimValue, z.array(claimValue).min(1)]))
      .refine((claims) => Object.keys(claims).length > 0, 'needs at least one claim'),
  )

const method = z
  .string()
  .regex(/^[A-Za-z]+$/, 'must be an HTTP method, e.g. GET')
  .transform((m) => m.toUpperCase())

const hostPattern = z
  .string()
  .regex(
    /^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/,
    'must be a host name, optionally with a port, or a "*." wildcard such as *.example.com',
  )
  .transform((h) => h.toLowerCase())

/**
 * One rule: where it applies, and what it requires. Exactly one of scopes/authenticated/public/
 * deny, or role and claim requirements alone (which need a token, as `authenticated` does).
 */
export const ruleSchema = z
  .object({
    /** A path pattern (path-to-regexp 8 syntax: `/orders/:id`, `/files/*path`, `/api{/*rest}`). */
    path: z.string().startsWith('/', 'must start with "/"'),
    /** Methods the rule applies to; default all. `GET` also covers `HEAD`. */
    methods: z.array(method).min(1).optional(),
    /** Hosts the rule applies to; default all. */
    hosts: z.array(hostPattern).min(1).optional(),
    /** Scopes the token must carry. */
    scopes: z.array(scope).min(1).optional(),
    /** `all` (default): every scope; `any`: at least one. */
    scopesMatch: z.enum(['all', 'any']).optional(),
    /** Every one of these roles (`AuthInfo.roles`, from the guard's `roleClaims`). */
    roles: z.array(role).min(1).optional(),
    /** At least one of these roles. */
    anyRoles: z.array(role).min(1).optional(),
    /** Claim values the token must hold (equal; a list: all in the claim). */
    claims: claimValues.optional(),
    /** Any valid token will do (no scope required). */
    authenticated: z.literal(true).optional(),
    /** No token needed; the request is not authenticated at all. */
    public: z.literal(true).optional(),
    /** Always denied (403). */
    deny: z.literal(true).optional(),
    /** RFC 9470 step-up: the token's `acr` must be one of these (with scopes or authenticated). */
    acrValues: z.array(z.string().min(1)).min(1).optional(),
    /** RFC 9470 step-up: the token's `auth_time` at most this many seconds ago. */
    maxAge: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const actions = (['scopes', 'authenticated', 'public', 'deny'] as const).filter(
      (key) => rule[key] !== undefined,
    )
    const holdsRequirement = rule.roles || rule.anyRoles || rule.claims
    if (actions.length > 1 || (actions.length === 0 && !holdsRequirement)) {
      ctx.addIssue({
        code: 'custom',
        message:
          actions.length === 0
            ? 'needs one of "scopes: [...]", "roles: [...]", "anyRoles: [...]", "claims: {...}", "authenticated: true", "public: true" or "deny: true"'
            : `has ${actions.join(' and ')}: keep exactly one of scopes, authenticated, public or deny`,
      })
    }
    for (const key of ['roles', 'anyRoles', 'claims', 'acrValues', 'maxAge'] as const) {
      if (rule[key] !== undefined && (rule.public || rule.deny)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only applies to a rule that needs a token ("public" and "deny" rules never look at one)`,
        })
      }
    }
    if (rule.scopesMatch !== undefined && rule.scopes === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopesMatch'],
        message: 'only applies with "scopes"',
      })
    }
  })

const listener = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port,
  })
  .strict()

/** The Redis cache store of `@bearerguard/redis`, for introspection results. */
const redisSchema = z
  .object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    keyPrefix: z.string().min(1).optional(),
    channel: z.string().min(1).optional(),
    commandTimeout: z.number().int().positive().optional(),
    memory: z
      .union([
        z.literal(false),
        z
          .object({
            max: z.number().int().positive().optional(),
            ttl: z.number().int().positive().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict()

/**
 * The guard section: `@bearerguard/core`'s GuardOptions (JSON-able ones), checked in full by
 * `createGuard`. One addition: `introspection.cache.redis` selects the shared Redis store.
 */
const guardSchema = z
  .object({
    issuer: z.unknown().refine((v) => v !== undefined, 'is required: the trusted issuer URL(s)'),
    audience: z.unknown().refine((v) => v !== undefined, "is required: this API's identifier(s)"),
    introspection: z
      .object({
        cache: z.object({ redis: redisSchema.optional() }).loose().optional(),
      })
      .loose()
      .optional(),
  })
  .loose()

const identitySchema = z
  .object({
    /** Header names of the identity fields; `false` leaves one out. */
    headers: z
      .object({
        subject: optionalHeader.default('x-auth-subject'),
        clientId: optionalHeader.default('x-auth-client-id'),
        scopes: optionalHeader.default('x-auth-scopes'),
        /** The caller's roles (`AuthInfo.roles`), joined by ","; sent only when there are some. */
        roles: optionalHeader.default('x-auth-roles'),
        issuer: optionalHeader.default('x-auth-issuer'),
        audience: optionalHeader.default('x-auth-audience'),
        expiresAt: optionalHeader.default('x-auth-expires-at'),
        format: optionalHeader.default('x-auth-token-format'),
        /** Every claim as base64url(JSON); off by default (it can be large). */
        claimsJson: optionalHeader.default(false),
      })
      .strict()
      .prefault({}),
    /** Claim name → header name, e.g. `{ tenant: x-auth-tenant }`. */
    claims: z.record(z.string().min(1), headerName).default({}),
    /** Client headers with this prefix are removed too (besides every configured name). */
    stripPrefix: z.union([headerName, z.literal(false)]).default('x-auth-'),
    /** How non-ASCII identity values are sent: percent-encoded (default) or dropped. */
    nonAscii: z.enum(['encode', 'drop']).default('encode'),
  })
  .strict()
  .prefault({})

const proxySchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port,
    /** Where allowed requests go: origin (and optional base path) of the upstream. */
    upstream: httpUrl,
    /** Remove `Authorization` before proxying. Default false. */
    stripAuthorization: z.boolean().default(false),
    /** Milliseconds to wait for the upstream's response headers. Default 30000. */
    timeout: z.number().int().positive().default(30_000),
    /** Bytes of a form body read to find an `access_token` (bearerMethods: body). Default 1 MiB. */
    maxFormBody: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
  })
  .strict()

/**
 * The whole configuration file (zod). `parseConfig` and `loadConfig` use it and add the checks
 * only building can do.
 *
 * @example
 * ```ts
 * const result = configSchema.safeParse({ guard: { issuer, audience }, rules: [{ path: '/health', public: true }] })
 * ```
 */
export const configSchema = z
  .object({
    guard: guardSchema,
    /** The decision API (forward-auth endpoints, health, metrics). */
    api: listener.prefault({ port: 4456 }),
    /**
     * The operations endpoints (`/healthz`, `/readyz`, `/metrics`) on a listener of their own;
     * without it they share `api`. Required with `forwardAuth.envoy: ""`, where every path of
     * `api` is an Envoy check.
     */
    ops: listener.optional(),
    /** Reverse-proxy mode: verify, then proxy to `upstream`. */
    proxy: proxySchema.optional(),
    forwardAuth: z
      .object({
        nginx: z.union([apiPath, z.literal(false)]).default('/nginx'),
        traefik: z.union([apiPath, z.literal(false)]).default('/traefik'),
        /** Path prefix of Envoy ext_authz checks; `""` for none (then every other path is a check). */
        envoy: z.union([z.literal(''), apiPath, z.literal(false)]).default('/envoy'),
      })
      .strict()
      .prefault({}),
    /** Addresses whose forwarded headers are trusted (proxy-addr syntax: CIDRs, `loopback`...). */
    trustedProxies: z.array(z.string().min(1)).default(['loopback']),
    identity: identitySchema,
    rules: z
      .array(ruleSchema)
      .min(1, 'needs at least one rule (a request no rule matches is denied)'),
    logging: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      })
      .strict()
      .prefault({}),
    /** Seconds in-flight requests get to finish after SIGTERM. Default 10. */
    shutdownTimeout: z.number().positive().default(10),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { nginx, traefik, envoy } = config.forwardAuth
    if (envoy === '') {
      // every path is an Envoy check: another contract's path would shadow the upstream's
      for (const [name, path] of Object.entries({ nginx, traefik })) {
        if (path !== false) {
          ctx.addIssue({
            code: 'custom',
            path: ['forwardAuth', name],
            message: `must be false with forwardAuth.envoy "" (every path of the decision API is then an Envoy check, and "${path}" would answer for the upstream's path of that name): set it to false, or give Envoy a path_prefix`,
          })
        }
      }
    }
    if (config.ops) return
    // the operations endpoints share the decision API: no contract path may be one of theirs
    if (envoy === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['forwardAuth', 'envoy'],
        message:
          '"" makes every path of the decision API an Envoy check, so /healthz, /readyz and /metrics would answer for the upstream\'s paths of those names: give them a listener of their own with ops: { port: 4457 }',
      })
    }
    for (const [name, path] of Object.entries({ nginx, traefik, envoy })) {
      if (
        typeof path === 'string' &&
        path !== '' && // envoy "": reported above
        OPS_PATHS.some((ops) => path === ops || ops.startsWith(`${path}/`))
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['forwardAuth', name],
          message: `"${path}" collides with the operations endpoints (/healthz, /readyz, /metrics): choose another path, or give them a listener of their own with ops: { port: 4457 }`,
        })
      }
    }
  })

/** The operations endpoints' paths. */
const OPS_PATHS = ['/healthz', '/readyz', '/metrics']

/**
 * The configuration file as written.
 *
 * @example
 * ```ts
 * const input: GatewayConfigInput = { guard: { issuer, audience }, rules: [{ path: '/orders', scopes: ['orders:read'] }] }
 * ```
 */
export type GatewayConfigInput = z.input<typeof configSchema>
/**
 * The configuration with defaults applied.
 *
 * @example
 * ```ts
 * const { config }: { config: GatewayConfig } = await loadConfig('gateway.yaml')
 * config.api.port // 4456 unless set
 * ```
 */
export type GatewayConfig = z.output<typeof configSchema>
/**
 * One rule with defaults applied.
 *
 * @example
 * ```ts
 * const rule: RuleConfig = { path: '/orders', methods: ['POST'], scopes: ['orders:write', 'admin'], scopesMatch: 'any' }
 * ```
 */
export type RuleConfig = z.output<typeof ruleSchema>
/**
 * The identity header settings with defaults applied.
 *
 * @example
 * ```ts
 * new IdentityHeaders(config.identity satisfies IdentityConfig)
 * ```
 */
export type IdentityConfig = GatewayConfig['identity']
