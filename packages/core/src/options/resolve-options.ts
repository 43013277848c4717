/**
 * Validates {@link GuardOptions} once, at construction, and resolves defaults. The shape is
 * checked with zod; the rules that tie options together are checked after it. Every failure
 * is a {@link GuardOptionError} naming the option and the fix.
 */
import type { JSONWebKeySet, JWK } from 'jose'
import { z } from 'zod'
import type { BearerMethod } from '../extract/extract-token.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { TypPolicy } from '../jwt/check-header.js'
import {
  DEFAULT_ALGORITHMS,
  HMAC_ALGORITHMS,
  type GuardOptions,
  type IssuerConfig,
} from './guard-options.js'
import { GuardOptionError } from './option-error.js'
import { secretBytes } from './secret-bytes.js'
import { isHttpUrl } from '../http/is-http-url.js'
import { resolveDpop, type ResolvedDpop } from './resolve-dpop.js'
import {
  resolveResourceMetadata,
  resourceMetadataSchema,
  resourceSchema,
} from '../metadata/resolve-resource-metadata.js'
import type { ResolvedResourceMetadata } from '../metadata/resource-metadata.js'
import {
  resolveIntrospection,
  type ResolvedIntrospection,
  type TokenFormat,
} from './resolve-introspection.js'

/** JWS algorithms bearerguard knows (RFC 7518 §3.1, RFC 8037). */
const KNOWN_ALGORITHMS = new Set<string>([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS])

/** Where one issuer's keys come from. */
export type KeySpec =
  | { kind: 'discovery' }
  | { kind: 'jwks'; uri: string }
  | { kind: 'static'; jwks: JSONWebKeySet }
  | { kind: 'secret'; secret: Uint8Array }

export interface ResolvedIssuer {
  issuer: string
  audiences: string[]
  algorithms: Set<string>
  keys: KeySpec
}

export interface ResolvedOptions {
  issuers: Map<string, ResolvedIssuer>
  typ: TypPolicy
  clockTolerance: number
  maxTokenAge: number | undefined
  requiredClaims: string[]
  scopeClaims: string[]
  bearerMethods: BearerMethod[]
  optional: boolean
  realm: string | undefined
  /** RFC 9728 metadata settings; undefined when `resourceMetadata` is not set. */
  resourceMetadata: ResolvedResourceMetadata | undefined
  errorDescriptions: boolean
  fetch: FetchLike
  maxTokenLength: number
  jwksCooldownMs: number
  jwksCacheMaxAgeMs: number
  jwksStaleWindowMs: number
  timeoutMs: number
  maxResponseSize: number
  jwtCache: { max: number; ttl: number } | undefined
  introspection: ResolvedIntrospection | undefined
  tokenFormat: TokenFormat
  dpop: ResolvedDpop
  /** A trusted header carrying the client certificate (RFC 9440), lower-cased; or undefined. */
  certificateHeader: string | undefined
  onAuthenticated: GuardOptions['onAuthenticated']
  onRejected: GuardOptions['onRejected']
}

const nonEmpty = z.string().min(1, 'must be a non-empty string')
const stringOrList = z.union([nonEmpty, z.array(nonEmpty).min(1, 'must not be empty')])
const url = nonEmpty.refine(isHttpUrl, 'must be an absolute http(s) URL')
const jwk = z.looseObject({ kty: nonEmpty })
const jwks = z.union([z.array(jwk), z.object({ keys: z.array(jwk) })])
const secret = z.union([z.string(), z.instanceof(Uint8Array)], {
  error: 'must be a string or a Uint8Array',
})
const algorithms = z.array(nonEmpty).min(1, 'must list at least one algorithm')
const seconds = z.number().finite().nonnegative('must be zero or more seconds')
const positiveInt = z.number().int().positive('must be a positive integer')
const fn = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
)

const introspection = z.strictObject({
  endpoint: url.optional(),
  issuer: nonEmpty.optional(),
  clientId: nonEmpty,
  clientSecret: nonEmpty.optional(),
  authMethod: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional(),
  privateKey: z
    .custom<object>(
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
      store: z
        .custom<object>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            ['get', 'set', 'delete'].every(
              (m) => typeof (v as Record<string, unknown>)[m] === 'function',
            ),
          'must be a CacheStore (an object with get, set and delete)',
        )
        .optional(),
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
})

const schema = z.strictObject({
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
  scopeClaim: stringOrList.optional(),
  bearerMethods: z
    .array(z.enum(['header', 'body', 'query']))
    .min(1, 'must list at least one method')
    .optional(),
  optional: z.boolean().optional(),
  realm: z.string().optional(),
  resource: resourceSchema.optional(),
  resourceMetadata: resourceMetadataSchema.optional(),
  errorDescriptions: z.boolean().optional(),
  fetch: fn.optional(),
  maxTokenLength: positiveInt.optional(),
  jwksCooldown: seconds.optional(),
  jwksCacheMaxAge: seconds.optional(),
  jwksStaleWindow: seconds.optional(),
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
        replayStore: z
          .custom<object>(
            (v) =>
              typeof v === 'object' &&
              v !== null &&
              typeof (v as Record<string, unknown>).claim === 'function',
            'must be a ReplayStore (an object with claim(key, ttlMs))',
          )
          .optional(),
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
  onAuthenticated: fn.optional(),
  onRejected: fn.optional(),
})

/**
 * Checks `options` and returns them resolved, or throws {@link GuardOptionError}.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ issuer: 'https://as.example.com', audience: 'api' })
 * ```
 */
export function resolveOptions(options: GuardOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new GuardOptionError('options', 'must be an object with at least `issuer` and `audience`')
  }
  const parsed = schema.safeParse(options)
  if (!parsed.success) throw toOptionError(parsed.error, options)
  const o = options

  const entries = (Array.isArray(o.issuer) ? o.issuer : [o.issuer]).map((entry) =>
    typeof entry === 'string' ? { issuer: entry } : entry,
  )
  if (entries.length > 1) {
    for (const name of ['jwksUri', 'keys'] as const) {
      if (o[name] !== undefined) {
        throw new GuardOptionError(
          name,
          'applies to one issuer only: with several issuers, set it inside each IssuerConfig',
        )
      }
    }
  }
  const issuers = new Map<string, ResolvedIssuer>()
  entries.forEach((entry, index) => {
    const where = Array.isArray(o.issuer) ? `issuer[${index}]` : 'issuer'
    if (issuers.has(entry.issuer)) {
      throw new GuardOptionError(where, `lists "${entry.issuer}" twice: each issuer once`)
    }
    issuers.set(entry.issuer, resolveIssuer(entry, o, where))
  })

  const scopeClaim = o.scopeClaim ?? ['scope', 'scp']
  const bearerMethods = [...new Set<BearerMethod>(o.bearerMethods ?? ['header'])]
  const clockTolerance = o.clockTolerance ?? 30
  const dpop = resolveDpop(o, clockTolerance)
  return {
    ...resolveResourceMetadata(o, [...issuers.keys()], bearerMethods, dpop),
    ...resolveIntrospection(o, issuers),
    issuers,
    typ: o.typ ?? 'lenient',
    clockTolerance,
    maxTokenAge: o.maxTokenAge,
    requiredClaims: o.requiredClaims ?? ['exp'],
    scopeClaims: Array.isArray(scopeClaim) ? scopeClaim : [scopeClaim],
    bearerMethods,
    optional: o.optional ?? false,
    realm: o.realm,
    errorDescriptions: o.errorDescriptions ?? true,
    fetch: o.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    maxTokenLength: o.maxTokenLength ?? 16_384,
    jwksCooldownMs: (o.jwksCooldown ?? 3) * 1000,
    jwksCacheMaxAgeMs: (o.jwksCacheMaxAge ?? 600) * 1000,
    jwksStaleWindowMs: (o.jwksStaleWindow ?? 3600) * 1000,
    timeoutMs: o.timeout ?? 5000,
    maxResponseSize: o.maxResponseSize ?? 512 * 1024,
    jwtCache:
      o.jwtCache === false
        ? undefined
        : { max: o.jwtCache?.max ?? 10_000, ttl: o.jwtCache?.ttl ?? 300 },
    dpop,
    certificateHeader: o.mtls?.certificateHeader?.toLowerCase(),
    onAuthenticated: o.onAuthenticated,
    onRejected: o.onRejected,
  }
}

function resolveIssuer(entry: IssuerConfig, o: GuardOptions, where: string): ResolvedIssuer {
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
  if (given.length > 1) {
    throw new GuardOptionError(
      at(given[1] as 'jwksUri' | 'keys' | 'secret'),
      `cannot be combined with "${given[0] as string}": give one source of keys per issuer`,
    )
  }

  let spec: KeySpec
  if (secretValue !== undefined) {
    spec = { kind: 'secret', secret: secretBytes(secretValue, at('secret'), '(RFC 7518 §3.2)') }
  } else if (keys) {
    spec = { kind: 'static', jwks: resolveStaticKeys(keys, at('keys')) }
  } else if (jwksUri) {
    spec = { kind: 'jwks', uri: jwksUri }
  } else {
    if (!isHttpUrl(entry.issuer)) {
      throw new GuardOptionError(
        where,
        `"${entry.issuer}" is not an http(s) URL, so its keys cannot be discovered: set "jwksUri" or "keys" for it`,
      )
    }
    spec = { kind: 'discovery' }
  }

  const algs = entry.algorithms ?? o.algorithms
  const algorithms = new Set<string>(
    algs ?? (spec.kind === 'secret' ? HMAC_ALGORITHMS : DEFAULT_ALGORITHMS),
  )
  const algWhere = entry.algorithms ? `${where}.algorithms` : 'algorithms'
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none') {
      throw new GuardOptionError(
        algWhere,
        'may not include "none": unsigned tokens are never accepted',
      )
    }
    if (!KNOWN_ALGORITHMS.has(alg)) {
      throw new GuardOptionError(
        algWhere,
        `includes unknown algorithm "${alg}"; use JWS names such as RS256, ES256, EdDSA`,
      )
    }
    const hmac = alg.startsWith('HS')
    if (hmac && spec.kind !== 'secret') {
      throw new GuardOptionError(
        algWhere,
        `includes "${alg}", which needs a shared "secret"; without one use asymmetric algorithms`,
      )
    }
    if (!hmac && spec.kind === 'secret') {
      throw new GuardOptionError(
        algWhere,
        `includes "${alg}", but this issuer has a "secret": list HS256/HS384/HS512 only, or give "jwksUri"/"keys" instead`,
      )
    }
  }

  const audience = entry.audience ?? o.audience
  return {
    issuer: entry.issuer,
    audiences: Array.isArray(audience) ? audience : [audience],
    algorithms,
    keys: spec,
  }
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

function toOptionError(error: z.ZodError, options: unknown): GuardOptionError {
  const first = error.issues[0]
  if (!first) return new GuardOptionError('options', 'are invalid')
  const issue = closestIssue(first)
  if (issue.code === 'unrecognized_keys') {
    const name = [...issue.path, ...issue.keys.slice(0, 1)].join('.')
    return new GuardOptionError(
      name,
      'is not a known option: check its spelling against the documentation',
    )
  }
  const name =
    issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[') || 'options'
  const required = valueAt(options, issue.path) === undefined
  return new GuardOptionError(
    name,
    required
      ? 'is required'
      : issue.message.replace(/^Invalid (input|option)/, 'has an invalid value'),
  )
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}
