/**
 * Validates {@link GuardOptions} once, at construction, and resolves defaults. The shape is
 * checked with zod; the rules that tie options together are checked after it, on every option
 * whose shape is right. Every problem found is reported at once, in one
 * {@link GuardOptionError} naming each option and the fix.
 */
import type { KeyObject } from 'node:crypto'
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose'
import type { ReplayStore } from '../dpop/replay-store.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { CacheStore } from '../introspection/cache-store.js'
import type { JwksStore } from '../keys/jwks-store.js'
import type { GuardObserver } from '../telemetry/guard-observer.js'
import {
  asApi,
  type MeterProviderLike,
  type OpenTelemetryApi,
  type TracerProviderLike,
} from '../telemetry/otel-api.js'
import { z } from 'zod'
import type { DpopSettings } from '../dpop/dpop-settings.js'
import type { BearerMethod } from '../extract/extract-token.js'
import type { IssuerSettings } from '../jwt/issuer-settings.js'
import type { KeySpec } from '../keys/key-spec.js'
import {
  allowedTenants,
  parseTemplate,
  TENANT_PLACEHOLDER,
  type Tenancy,
} from '../tenants/tenant-template.js'
import {
  DEFAULT_ALGORITHMS,
  HMAC_ALGORITHMS,
  type GuardOptions,
  type IssuerConfig,
} from './guard-options.js'
import { GuardOptionError } from './option-error.js'
import { secretBytes } from './secret-bytes.js'
import { isHttpUrl } from '../http/is-http-url.js'
import type { GuardSettings } from './guard-settings.js'
import { resolveDpop } from './resolve-dpop.js'
import { resolveIntrospection } from './resolve-introspection.js'
import {
  resolveResourceMetadata,
  resourceMetadataSchema,
  resourceSchema,
} from './resolve-resource-metadata.js'

/** JWS algorithms bearerguard knows (RFC 7518 §3.1, RFC 8037). */
const KNOWN_ALGORITHMS = new Set<string>([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS])

const nonEmpty = z.string().min(1, 'must be a non-empty string')
const stringOrList = z.union([nonEmpty, z.array(nonEmpty).min(1, 'must not be empty')])
/** A claim name, or a path of names into nested objects. */
const claimPath = z.union([nonEmpty, z.array(nonEmpty).min(1, 'a claim path must not be empty')])
const url = nonEmpty.refine(isHttpUrl, 'must be an absolute http(s) URL')
/** A JWK: checked for its `kty`, typed as jose's `JWK` (the rest is jose's to check). */
const jwk = z.looseObject({ kty: nonEmpty }) as unknown as z.ZodType<JWK, JWK>
const jwks = z.union([z.array(jwk), z.object({ keys: z.array(jwk) })])
const secret = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)], {
  error: 'must be a string or a Uint8Array',
})
const algorithms = z.array(nonEmpty).min(1, 'must list at least one algorithm')
const seconds = z.number().finite().nonnegative('must be zero or more seconds')
const positiveInt = z.number().int().positive('must be a positive integer')
/** A function option, typed as declared in {@link GuardOptions}. */
const fn = <F>() => z.custom<F>((v) => typeof v === 'function', 'must be a function')
/** An object with the methods of `T`, typed `T`. */
const withMethods = <T>(methods: readonly string[], message: string) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    message,
  )

const introspection = z.strictObject({
  endpoint: url.optional(),
  issuer: nonEmpty.optional(),
  clientId: nonEmpty,
  clientSecret: nonEmpty.optional(),
  authMethod: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional(),
  privateKey: z
    .custom<JWK | CryptoKey | KeyObject>(
      (v) => typeof v === 'object' && v !== null,
      'must be a JWK, KeyObject or CryptoKey',
    )
    .optional(),
  privateKeyAlg: nonEmpty.optional(),
  privateKeyId: nonEmpty.optional(),
  signedResponses: z.boolean().optional(),
  requireAudience: z.boolean().optional(),
  timeout: positiveInt.optional(),
  cache: z
    .strictObject({
      ttl: seconds.optional(),
      negativeTtl: seconds.optional(),
      max: positiveInt.optional(),
      store: withMethods<CacheStore>(
        ['get', 'set', 'delete'],
        'must be a CacheStore (an object with get, set and delete)',
      ).optional(),
    })
    .optional(),
})

const issuerConfig = z.strictObject({
  issuer: nonEmpty,
  jwksUri: url.optional(),
  audience: stringOrList.optional(),
  algorithms: algorithms.optional(),
  keys: jwks.optional(),
  secret: secret.optional(),
  tenants: z
    .union([
      z.array(nonEmpty).min(1, 'must list at least one tenant id'),
      fn<(tenantId: string) => boolean>(),
    ])
    .optional(),
})

/**
 * The shape of {@link GuardOptions}, checked by zod. A type-level test pins `z.input<typeof
 * guardOptionsSchema>` to `GuardOptions`, so the two declarations cannot drift apart.
 *
 * @example
 * ```ts
 * guardOptionsSchema.safeParse({ issuer: "https://as.example.com", audience: "api" }).success // true
 * ```
 */
export const guardOptionsSchema = z.strictObject({
  issuer: z.union([
    nonEmpty,
    issuerConfig,
    z.array(z.union([nonEmpty, issuerConfig])).min(1, 'must not be empty'),
  ]),
  audience: stringOrList,
  jwksUri: url.optional(),
  keys: jwks.optional(),
  secret: secret.optional(),
  algorithms: algorithms.optional(),
  typ: z.enum(['strict', 'lenient']).optional(),
  clockTolerance: seconds.optional(),
  maxTokenAge: z.number().finite().positive('must be a positive number of seconds').optional(),
  requiredClaims: z.array(nonEmpty).optional(),
  scopeClaim: z.union([nonEmpty, z.array(claimPath).min(1, 'must not be empty')]).optional(),
  roleClaims: z.array(claimPath).min(1, 'must not be empty').optional(),
  bearerMethods: z
    .array(z.enum(['header', 'body', 'query']))
    .min(1, 'must list at least one method')
    .optional(),
  optional: z.boolean().optional(),
  realm: z.string().optional(),
  resource: resourceSchema.optional(),
  resourceMetadata: resourceMetadataSchema.optional(),
  errorDescriptions: z.boolean().optional(),
  fetch: fn<FetchLike>().optional(),
  maxTokenLength: positiveInt.optional(),
  jwksCooldown: seconds.optional(),
  jwksCacheMaxAge: seconds.optional(),
  jwksStaleWindow: seconds.optional(),
  jwksStore: withMethods<JwksStore>(
    ['get', 'set'],
    'must be a JwksStore (an object with get(key) and set(key, entry, ttlMs))',
  ).optional(),
  timeout: positiveInt.optional(),
  maxResponseSize: positiveInt.optional(),
  jwtCache: z
    .union([
      z.literal(false),
      z.strictObject({
        max: positiveInt.optional(),
        ttl: z.number().finite().positive('must be a positive number of seconds').optional(),
      }),
    ])
    .optional(),
  introspection: introspection.optional(),
  tokenFormat: z.enum(['jwt', 'opaque', 'auto']).optional(),
  dpop: z
    .union([
      z.enum(['allowed', 'required', 'disabled']),
      z.strictObject({
        mode: z.enum(['allowed', 'required', 'disabled']).optional(),
        algorithms: algorithms.optional(),
        maxAge: z.number().finite().positive('must be a positive number of seconds').optional(),
        replayStore: withMethods<ReplayStore>(
          ['claim'],
          'must be a ReplayStore (an object with claim(key, ttlMs))',
        ).optional(),
        nonce: z
          .union([
            z.boolean(),
            z.strictObject({
              secret: z.union([secret, z.array(secret)]),
              lifetime: z
                .number()
                .finite()
                .positive('must be a positive number of seconds')
                .optional(),
            }),
          ])
          .optional(),
      }),
    ])
    .optional(),
  mtls: z
    .strictObject({
      certificateHeader: nonEmpty
        .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
        .optional(),
    })
    .optional(),
  isRevoked: fn<NonNullable<GuardOptions['isRevoked']>>().optional(),
  revocationStore: withMethods<CacheStore>(
    ['get', 'set', 'delete'],
    'must be a CacheStore (an object with get, set and delete)',
  ).optional(),
  onAuthenticated: fn<NonNullable<GuardOptions['onAuthenticated']>>().optional(),
  onRejected: fn<NonNullable<GuardOptions['onRejected']>>().optional(),
  telemetry: z
    .union([
      z.literal(false),
      z.strictObject({
        api: z
          .custom<OpenTelemetryApi>(
            (v) => asApi(v) !== undefined,
            'must be the @opentelemetry/api module (import * as api from "@opentelemetry/api")',
          )
          .optional(),
        tracerProvider: withMethods<TracerProviderLike>(
          ['getTracer'],
          'must be a TracerProvider (an object with getTracer)',
        ).optional(),
        meterProvider: withMethods<MeterProviderLike>(
          ['getMeter'],
          'must be a MeterProvider (an object with getMeter)',
        ).optional(),
        observer: z
          .custom<GuardObserver>(
            (v) => typeof v === 'object' && v !== null,
            'must be a GuardObserver (an object with methods such as authentication(event))',
          )
          .optional(),
        openTelemetry: z.boolean().optional(),
      }),
    ])
    .optional(),
  debug: z
    .union([
      z.boolean(),
      z.strictObject({
        force: z.boolean().optional(),
        log: fn<(line: string) => void>().optional(),
      }),
    ])
    .optional(),
})

const NO_DPOP = { mode: 'disabled', algorithms: [] } as const satisfies Pick<
  DpopSettings,
  'mode' | 'algorithms'
>

/** Problems found so far, each naming its option; thrown together as one error. */
type Problems = Array<{ option: string; problem: string }>

/**
 * Checks `options` and returns them resolved, or throws one {@link GuardOptionError} listing
 * every problem found: each wrong shape, then the rules that tie options together, checked on
 * every option whose shape is right (all of them need `issuer` and `audience` right).
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ issuer: 'https://as.example.com', audience: 'api' })
 * ```
 */
export function resolveOptions(options: GuardOptions): GuardSettings {
  if (typeof options !== 'object' || options === null) {
    throw new GuardOptionError('options', 'must be an object with at least `issuer` and `audience`')
  }
  const problems: Problems = []
  let o = options
  const parsed = guardOptionsSchema.safeParse(options)
  if (!parsed.success) {
    problems.push(...shapeProblems(parsed.error, options))
    const wrong = new Set(problems.map((p) => topLevelOf(p.option)))
    if (wrong.has('issuer') || wrong.has('audience') || wrong.has('options')) {
      throw allOf(problems)
    }
    o = Object.fromEntries(
      Object.entries(options).filter(([name]) => !wrong.has(name)),
    ) as unknown as GuardOptions
  }
  let resolved: GuardSettings | undefined
  try {
    resolved = resolveShaped(o, problems)
  } catch (error) {
    // With a wrong shape reported, a check that trips over what is left adds nothing.
    if (problems.length === 0) throw error
  }
  if (problems.length > 0 || resolved === undefined) throw allOf(problems)
  return resolved
}

/** One error for every problem, the first one's option as its `option`. */
function allOf(problems: Problems): GuardOptionError {
  const [first, ...rest] = problems
  if (!first) return new GuardOptionError('options', 'are invalid')
  return new GuardOptionError(first.option, first.problem, rest)
}

/** `issuer[1].jwksUri` → `issuer`. */
function topLevelOf(option: string): string {
  return option.split(/[.[]/)[0] ?? option
}

/** `work()`, or undefined after adding the problems of the {@link GuardOptionError} it threw. */
function collect<T>(problems: Problems, work: () => T): T | undefined {
  try {
    return work()
  } catch (error) {
    if (!(error instanceof GuardOptionError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

/** The options resolved, with the problems of the rules that tie them together added. */
function resolveShaped(o: GuardOptions, problems: Problems): GuardSettings | undefined {
  const before = problems.length
  const entries = (Array.isArray(o.issuer) ? o.issuer : [o.issuer]).map((entry) =>
    typeof entry === 'string' ? { issuer: entry } : entry,
  )
  if (entries.length > 1) {
    for (const name of ['jwksUri', 'keys'] as const) {
      if (o[name] !== undefined) {
        problems.push({
          option: name,
          problem:
            'applies to one issuer only: with several issuers, set it inside each IssuerConfig',
        })
      }
    }
  }
  const issuers = new Map<string, IssuerSettings>()
  const seen = new Set<string>()
  entries.forEach((entry, index) => {
    const where = Array.isArray(o.issuer) ? `issuer[${index}]` : 'issuer'
    if (seen.has(entry.issuer)) {
      problems.push({ option: where, problem: `lists "${entry.issuer}" twice: each issuer once` })
      return
    }
    seen.add(entry.issuer)
    const issuer = resolveIssuer(entry, o, where, problems)
    if (issuer) issuers.set(entry.issuer, issuer)
  })
  const issuersRight = problems.length === before

  const scopeClaim = o.scopeClaim ?? ['scope', 'scp']
  const bearerMethods = [...new Set<BearerMethod>(o.bearerMethods ?? ['header'])]
  const clockTolerance = o.clockTolerance ?? 30
  const dpop = collect(problems, () => resolveDpop(o, clockTolerance))
  // (with dpop wrong, the resource is still checked)
  const metadata = collect(problems, () =>
    resolveResourceMetadata(o, advertisedIssuers(issuers), bearerMethods, dpop ?? NO_DPOP),
  )
  // Which issuer introspection belongs to can only be checked once the issuers are right.
  const introspection = issuersRight
    ? collect(problems, () => resolveIntrospection(o, issuers))
    : undefined
  const introspected = introspection?.introspection?.issuer
  if (introspected !== undefined && issuers.get(introspected)?.tenancy) {
    problems.push({
      option: 'introspection.issuer',
      problem: `"${introspected}" is a "${TENANT_PLACEHOLDER}" template: introspection needs one exact issuer`,
    })
  }
  if (problems.length > before || !dpop || !metadata || !introspection) return undefined
  const errorDescriptions = o.errorDescriptions ?? true
  return {
    issuers,
    request: {
      bearerMethods,
      optional: o.optional ?? false,
      maxTokenLength: o.maxTokenLength ?? 16_384,
    },
    jwt: {
      typ: o.typ ?? 'lenient',
      clockTolerance,
      maxTokenAge: o.maxTokenAge,
      requiredClaims: o.requiredClaims ?? ['exp'],
    },
    jwtCache:
      o.jwtCache === false
        ? undefined
        : { max: o.jwtCache?.max ?? 10_000, ttl: o.jwtCache?.ttl ?? 300 },
    tokenFormat: introspection.tokenFormat,
    scopeClaims: Array.isArray(scopeClaim) ? scopeClaim : [scopeClaim],
    roleClaims: o.roleClaims ?? ['roles'],
    keys: {
      cooldownMs: (o.jwksCooldown ?? 3) * 1000,
      maxAgeMs: (o.jwksCacheMaxAge ?? 600) * 1000,
      staleWindowMs: (o.jwksStaleWindow ?? 3600) * 1000,
      store: o.jwksStore,
    },
    http: {
      fetch: o.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeout: o.timeout ?? 5000,
      maxBytes: o.maxResponseSize ?? 512 * 1024,
    },
    introspection: introspection.introspection,
    dpop,
    certificateHeader: o.mtls?.certificateHeader?.toLowerCase(),
    challenge: {
      realm: o.realm,
      errorDescriptions,
      dpop: { mode: dpop.mode, algorithms: dpop.algorithms },
      resourceMetadataUrl: metadata.resourceMetadata?.url,
    },
    resourceMetadata: metadata.resourceMetadata,
    hooks: { onAuthenticated: o.onAuthenticated, onRejected: o.onRejected },
    telemetry: telemetrySettings(o.telemetry),
    debug: debugSettings(o.debug, problems),
    revocation: {
      isRevoked: o.isRevoked,
      store: o.revocationStore,
    },
  }
}

/**
 * The issuers RFC 9728 metadata may name: the exact ones, and the tenants of a template with an
 * allow-list (a template with a predicate or none names no authorization server).
 */
function advertisedIssuers(issuers: ReadonlyMap<string, IssuerSettings>): string[] {
  return [...issuers.values()].flatMap(({ issuer, tenancy }) => {
    if (!tenancy) return [issuer]
    return (tenancy.list ?? []).map((id) => `${tenancy.prefix}${id}${tenancy.suffix}`)
  })
}

/** One issuer resolved, or undefined after adding its problems (keys and algorithms). */
function resolveIssuer(
  entry: IssuerConfig,
  o: GuardOptions,
  where: string,
  problems: Problems,
): IssuerSettings | undefined {
  const before = problems.length
  const single = !Array.isArray(o.issuer)
  // Guard-level key options apply to a lone issuer; an IssuerConfig's own settings win.
  const jwksUri = entry.jwksUri ?? (single ? o.jwksUri : undefined)
  const keys = entry.keys ?? (single ? o.keys : undefined)
  const secretValue = entry.secret ?? (single ? o.secret : undefined)
  const at = (name: 'jwksUri' | 'keys' | 'secret') =>
    entry[name] !== undefined ? `${where}.${name}` : name

  const given = [
    jwksUri && 'jwksUri',
    keys && 'keys',
    secretValue !== undefined && 'secret',
  ].filter(Boolean)
  let spec: KeySpec | undefined
  if (given.length > 1) {
    problems.push({
      option: at(given[1] as 'jwksUri' | 'keys' | 'secret'),
      problem: `cannot be combined with "${given[0] as string}": give one source of keys per issuer`,
    })
  } else if (secretValue !== undefined) {
    const bytes = collect(problems, () => secretBytes(secretValue, at('secret'), '(RFC 7518 §3.2)'))
    spec = bytes && { kind: 'secret', secret: bytes }
  } else if (keys) {
    const jwks = collect(problems, () => resolveStaticKeys(keys, at('keys')))
    spec = jwks && { kind: 'static', jwks }
  } else if (jwksUri) {
    spec = { kind: 'jwks', uri: jwksUri }
  } else if (!isHttpUrl(entry.issuer)) {
    problems.push({
      option: where,
      problem: `"${entry.issuer}" is not an http(s) URL, so its keys cannot be discovered: set "jwksUri" or "keys" for it`,
    })
  } else {
    spec = { kind: 'discovery' }
  }

  const algs = entry.algorithms ?? o.algorithms
  const secretKeys = spec ? spec.kind === 'secret' : secretValue !== undefined
  const algorithms = new Set<string>(algs ?? (secretKeys ? HMAC_ALGORITHMS : DEFAULT_ALGORITHMS))
  const problem = algorithmProblem(algorithms, spec)
  if (problem) {
    problems.push({ option: entry.algorithms ? `${where}.algorithms` : 'algorithms', problem })
  }

  const tenancy = resolveTenancy(entry, spec, where, problems)
  const audience = entry.audience ?? o.audience
  if (!spec || problems.length > before) return undefined
  return {
    issuer: entry.issuer,
    audiences: Array.isArray(audience) ? audience : [audience],
    algorithms,
    keys: spec,
    ...(tenancy && { tenancy }),
  }
}

/** A `{tenantid}` issuer's template and allow-list, or undefined (adding problems) for others. */
function resolveTenancy(
  entry: IssuerConfig,
  spec: KeySpec | undefined,
  where: string,
  problems: Problems,
): Tenancy | undefined {
  if (!entry.issuer.includes(TENANT_PLACEHOLDER)) {
    if (entry.tenants !== undefined) {
      problems.push({
        option: `${where}.tenants`,
        problem: `only applies to an issuer with "${TENANT_PLACEHOLDER}" in it`,
      })
    }
    return undefined
  }
  const template = parseTemplate(entry.issuer)
  if (typeof template === 'string') {
    problems.push({ option: where, problem: `"${entry.issuer}" ${template}` })
    return undefined
  }
  if (spec?.kind === 'discovery' && entry.tenants === undefined) {
    problems.push({
      option: where,
      problem: `"${entry.issuer}" needs "tenants" (a list or a predicate) or a fixed "jwksUri": discovery runs per tenant, only for tenants you allow`,
    })
    return undefined
  }
  return {
    ...template,
    allowed: allowedTenants(entry.tenants),
    list: Array.isArray(entry.tenants) ? [...entry.tenants] : undefined,
  }
}

/**
 * What is wrong with an issuer's algorithms, if anything. Whether they fit its keys (HMAC with a
 * secret, the others without) is checked only when its keys are right.
 */
function algorithmProblem(
  algorithms: ReadonlySet<string>,
  spec: KeySpec | undefined,
): string | undefined {
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none') {
      return 'may not include "none": unsigned tokens are never accepted'
    }
    if (!KNOWN_ALGORITHMS.has(alg)) {
      return `includes unknown algorithm "${alg}"; use JWS names such as RS256, ES256, EdDSA`
    }
    if (!spec) continue
    const hmac = alg.startsWith('HS')
    if (hmac && spec.kind !== 'secret') {
      return `includes "${alg}", which needs a shared "secret"; without one use asymmetric algorithms`
    }
    if (!hmac && spec.kind === 'secret') {
      return `includes "${alg}", but this issuer has a "secret": list HS256/HS384/HS512 only, or give "jwksUri"/"keys" instead`
    }
  }
  return undefined
}

function resolveStaticKeys(keys: JWK[] | { keys: JWK[] }, where: string): JSONWebKeySet {
  const list = Array.isArray(keys) ? keys : keys.keys
  if (list.length === 0) throw new GuardOptionError(where, 'must hold at least one public key')
  list.forEach((key, i) => {
    if (key.kty === 'oct') {
      throw new GuardOptionError(
        `${where}[${i}]`,
        'is a symmetric key: pass shared secrets as "secret"',
      )
    }
    if ('d' in key || 'p' in key || 'priv' in key) {
      throw new GuardOptionError(`${where}[${i}]`, 'is a private key: give the public key only')
    }
  })
  return { keys: list }
}

/**
 * For a value matching none of a union's shapes, the issue of the shape it came closest to
 * (the deepest path), with its path made absolute; other issues as they are.
 */
function closestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue
  const candidates = issue.errors
    .map((branch) => branch[0])
    .filter((i): i is z.core.$ZodIssue => i !== undefined)
  const deepest = candidates.reduce((a, b) => (b.path.length > a.path.length ? b : a))
  if (deepest.path.length === 0) {
    // no shape got past the top: say what each would have needed
    const needs = candidates.map((i) => i.message.replace(/^Invalid (input|option): /, ''))
    return { ...issue, message: `has an invalid value: ${needs.join('; or ')}` }
  }
  return closestIssue({ ...deepest, path: [...issue.path, ...deepest.path] } as z.core.$ZodIssue)
}

/** Every wrong shape zod found, one problem per option (its first), in order. */
function shapeProblems(error: z.ZodError, options: unknown): Problems {
  const problems: Problems = []
  const add = (option: string, problem: string) => {
    if (!problems.some((p) => p.option === option)) problems.push({ option, problem })
  }
  for (const found of error.issues) {
    const issue = closestIssue(found)
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        add(
          [...issue.path, key].join('.'),
          'is not a known option: check its spelling against the documentation',
        )
      }
      continue
    }
    const name =
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[') || 'options'
    const required = valueAt(options, issue.path) === undefined
    add(
      name,
      required
        ? 'is required'
        : issue.message.replace(/^Invalid (input|option)/, 'has an invalid value'),
    )
  }
  if (problems.length === 0) problems.push({ option: 'options', problem: 'are invalid' })
  return problems
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

/**
 * The explainer's settings; refused (a problem of option `debug`) when `NODE_ENV=production`
 * unless forced: its lines hold claim values.
 */
function debugSettings(debug: GuardOptions['debug'], problems: Problems): GuardSettings['debug'] {
  if (debug === undefined || debug === false) return undefined
  const options = debug === true ? {} : debug
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.NODE_ENV
  if (env === 'production' && options.force !== true) {
    problems.push({
      option: 'debug',
      problem:
        'is refused when NODE_ENV=production (its lines hold claim values); pass { force: true } to explain rejections anyway',
    })
    return undefined
  }
  return { log: options.log ?? ((line) => console.warn(line)) }
}

/** The `telemetry` option resolved: OpenTelemetry on unless turned off, the observer kept. */
function telemetrySettings(telemetry: GuardOptions['telemetry']): GuardSettings['telemetry'] {
  if (telemetry === false) return { enabled: false }
  const { openTelemetry, ...rest } = telemetry ?? {}
  return { ...rest, enabled: openTelemetry !== false }
}
