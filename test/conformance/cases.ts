/**
 * The conformance and attack table: every case of the project's STANDARDS checklist (RFC 6750
 * grammar, the JWT attack corpus, RFC 7662 introspection, RFC 9470 step-up, RFC 9728
 * `resource_metadata` challenges), each with the RFC section or CVE it
 * proves and the one answer it must get. `conformance.test.ts` runs it against every adapter;
 * `docs/conformance.md` is generated from it (`pnpm conformance:doc`), and a test keeps the two equal.
 */
import { generateKeyPairSync } from 'node:crypto'
import type { GuardOptions } from '@bearerguard/core'
import type { TestIssuer } from '@bearerguard/testing'
import { exportJWK, generateKeyPair } from 'jose'
import { HWK_ACR, MFA_ACR, RECENT_MAX_AGE } from '../adapters/harness.js'
import { AMBIGUOUS_REQUEST_CASES } from './ambiguous-request-cases.js'
import { REVOCATION_CASES, ROLE_AND_CLAIM_CASES, TENANT_CASES } from './authorization-cases.js'
import { SENDER_CONSTRAINED_CASES } from './sender-constrained-cases.js'

export const AUDIENCE = 'https://api.example.com'

/** What a case may use. */
export interface CaseContext {
  issuer: TestIssuer
  /** A server that must never be contacted (jku/x5u targets). */
  attackerUrl: string
  attackerHits: () => number
  now: () => number
}

export interface CaseRequest {
  method?: 'GET' | 'POST'
  /** Default `/api/me`. */
  path?: string
  authorization?: string | string[]
  /** A form-encoded body. */
  form?: Record<string, string>
  /** A JSON body. */
  json?: Record<string, unknown>
  /** Appended to the path after `?`. */
  query?: string
  /** More request headers (e.g. `DPoP`, `Host`, `Client-Cert`). */
  headers?: Record<string, string | string[]>
  /** Send the request this many times (default 1): every answer but the last must be 200. */
  times?: number
}

export type Expected =
  | { status: 200 }
  | { status: 400; error: 'invalid_request' }
  | { status: 401; error: 'invalid_token' }
  | { status: 401; bare: true }
  | { status: 401; error: 'invalid_dpop_proof' | 'use_dpop_nonce' }
  /** `scope: null`: the challenge has no `scope=` (roles, claims, predicates: no scope helps). */
  | { status: 403; error: 'insufficient_scope'; scope: string | null }
  | { status: 401; error: 'insufficient_user_authentication'; acrValues?: string; maxAge?: string }
  | { status: 503 }
  /** A bug of the app (a predicate that throws): no challenge, never a 401 or 403. */
  | { status: 500 }
  /**
   * One of these statuses, never the route's answer: for requests whose reading differs by
   * framework (a path spelling Express and Koa do not route, the gateway refuses or judges).
   */
  | { status: 'refused'; oneOf: Array<400 | 401 | 403 | 404> }

export interface ConformanceCase {
  group: string
  title: string
  /** RFC section(s) or CVE the case proves. */
  ref: string
  /** Guard options on top of `{ issuer, audience, jwksCooldown: 0 }`. */
  guard?: Partial<GuardOptions>
  /** Guard options that need the case's issuer (its URL, its JWKS), merged after `guard`. */
  guardFor?: (ctx: CaseContext) => Partial<GuardOptions>
  /** Changes to the issuer before the request (undone after the case). */
  setup?: (ctx: CaseContext) => void | Promise<void>
  request: (ctx: CaseContext) => Promise<CaseRequest>
  expect: Expected
  /** Parameters the challenge must carry besides `error` (e.g. `resource_metadata`). */
  challenge?: Record<string, string>
  /** More checks after the answer. */
  check?: (ctx: CaseContext) => void
  /** Adapters the case does not apply to (not run there, and said so in the docs), and why. */
  notOn?: { adapters: string[]; why: string }
}

const bearer = (token: string) => `Bearer ${token}`
const valid = (ctx: CaseContext, claims: Record<string, unknown> = {}) =>
  ctx.issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })
const INVALID_TOKEN = { status: 401, error: 'invalid_token' } as const
const INVALID_REQUEST = { status: 400, error: 'invalid_request' } as const
const ALL_METHODS: Partial<GuardOptions> = { bearerMethods: ['header', 'body', 'query'] }
const INTROSPECTION: Partial<GuardOptions> = {
  introspection: { clientId: 'test-client', clientSecret: 'test-secret', cache: { ttl: 0 } },
}

const RFC6750 = 'RFC 6750 — bearer token usage'
const JWT = 'JWT access tokens — RFC 9068, RFC 8725, RFC 7519, RFC 7515'
const INTROSPECT = 'RFC 7662 — token introspection'
const STEP_UP = 'RFC 9470 — step-up authentication'
const METADATA = 'RFC 9728 — resource_metadata in challenges'

const WELL_KNOWN = 'https://api.example.com/.well-known/oauth-protected-resource'
const METADATA_ON: Partial<GuardOptions> = { resourceMetadata: true }
const MFA_REQUIRED = {
  status: 401,
  error: 'insufficient_user_authentication',
  acrValues: `${MFA_ACR} ${HWK_ACR}`,
} as const
const RECENT_REQUIRED = {
  status: 401,
  error: 'insufficient_user_authentication',
  maxAge: String(RECENT_MAX_AGE),
} as const

export const CASES: ConformanceCase[] = [
  // ── RFC 6750 ────────────────────────────────────────────────────────────────────────────────
  {
    group: RFC6750,
    title: 'Authorization: Bearer <valid token>',
    ref: 'RFC 6750 §2.1',
    request: async (c) => ({ authorization: bearer(await valid(c)) }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'scheme in lower case (bearer)',
    ref: 'RFC 6750 §2.1, RFC 9110 §11.1',
    request: async (c) => ({ authorization: `bearer ${await valid(c)}` }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'scheme in upper case (BEARER)',
    ref: 'RFC 6750 §2.1, RFC 9110 §11.1',
    request: async (c) => ({ authorization: `BEARER ${await valid(c)}` }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'several spaces after the scheme',
    ref: 'RFC 6750 §2.1 (1*SP)',
    request: async (c) => ({ authorization: `Bearer    ${await valid(c)}` }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'a tab after the scheme',
    ref: 'RFC 6750 §2.1',
    request: async (c) => ({ authorization: `Bearer\t${await valid(c)}` }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'empty token (Bearer alone)',
    ref: 'RFC 6750 §2.1',
    request: async () => ({ authorization: 'Bearer' }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'a comma in the token',
    ref: 'RFC 6750 §2.1 (b64token)',
    request: async (c) => ({ authorization: `Bearer ${await valid(c)},x` }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'a quoted token',
    ref: 'RFC 6750 §2.1 (b64token)',
    request: async (c) => ({ authorization: `Bearer "${await valid(c)}"` }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'a space inside the token',
    ref: 'RFC 6750 §2.1 (b64token)',
    request: async () => ({ authorization: 'Bearer abc def' }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: '"=" padding inside the token',
    ref: 'RFC 6750 §2.1 (b64token)',
    request: async () => ({ authorization: 'Bearer ab=cd' }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'no credentials',
    ref: 'RFC 6750 §3.1',
    request: async () => ({}),
    expect: { status: 401, bare: true },
  },
  {
    group: RFC6750,
    title: 'another scheme (Basic)',
    ref: 'RFC 6750 §3.1, RFC 9110 §11.6.1',
    request: async () => ({ authorization: 'Basic dXNlcjpwYXNz' }),
    expect: { status: 401, bare: true },
  },
  {
    group: RFC6750,
    title: 'form body token, body method off (default)',
    ref: 'RFC 6750 §2.2; OAuth 2.1 §5.2',
    request: async (c) => ({ method: 'POST', form: { access_token: await valid(c) } }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'form body token, body method on',
    ref: 'RFC 6750 §2.2',
    guard: ALL_METHODS,
    request: async (c) => ({ method: 'POST', form: { access_token: await valid(c) } }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'empty form body token',
    ref: 'RFC 6750 §2.2',
    guard: ALL_METHODS,
    request: async () => ({ method: 'POST', form: { access_token: '' } }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'query token, query method off (default; OAuth 2.1 and MCP forbid it)',
    ref: 'RFC 6750 §2.3; OAuth 2.1 §5.2',
    request: async (c) => ({ query: `access_token=${await valid(c)}` }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'query token, query method on',
    ref: 'RFC 6750 §2.3',
    guard: ALL_METHODS,
    request: async (c) => ({ query: `access_token=${await valid(c)}` }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'query token sent twice',
    ref: 'RFC 6750 §2.3',
    guard: ALL_METHODS,
    request: async (c) => ({ query: `access_token=${await valid(c)}&access_token=x` }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'header and query at once',
    ref: 'RFC 6750 §2',
    guard: ALL_METHODS,
    request: async (c) => ({
      authorization: bearer(await valid(c)),
      query: `access_token=${await valid(c)}`,
    }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'header and form body at once',
    ref: 'RFC 6750 §2',
    guard: ALL_METHODS,
    request: async (c) => ({
      method: 'POST',
      authorization: bearer(await valid(c)),
      form: { access_token: await valid(c) },
    }),
    expect: INVALID_REQUEST,
  },
  {
    group: RFC6750,
    title: 'valid token lacking the route scope',
    ref: 'RFC 6750 §3.1 (insufficient_scope)',
    request: async (c) => ({
      path: '/api/orders',
      authorization: bearer(await valid(c, { scope: 'profile' })),
    }),
    expect: { status: 403, error: 'insufficient_scope', scope: 'orders:read' },
  },
  {
    group: RFC6750,
    title: 'valid token with the route scope',
    ref: 'RFC 6750 §3.1',
    request: async (c) => ({ path: '/api/orders', authorization: bearer(await valid(c)) }),
    expect: { status: 200 },
  },
  {
    group: RFC6750,
    title: 'scp as an array of scopes',
    ref: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
    request: async (c) => ({
      path: '/api/orders',
      authorization: bearer(await valid(c, { scope: undefined, scp: ['orders:read'] })),
    }),
    expect: { status: 200 },
  },

  // ── JWT attack corpus ───────────────────────────────────────────────────────────────────────
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): ConformanceCase => ({
    group: JWT,
    title: `alg "${alg}" (unsigned)`,
    ref: 'RFC 8725 §3.1, RFC 7518 §3.6',
    request: withTokenOf((c) =>
      c.issuer.token({ scope: 'orders:read' }, { unsigned: true, header: { alg } }),
    ),
    expect: INVALID_TOKEN,
  })),
  {
    group: JWT,
    title: 'HS256 signed with the RSA public key as PEM',
    ref: 'RFC 8725 §3.1; CVE-2015-9235, CVE-2016-10555',
    request: withTokenOf((c) => c.issuer.token({}, { secret: c.issuer.publicKeyPem('RS256') })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'HS256 signed with the RSA public key as JWK JSON',
    ref: 'RFC 8725 §3.1; CVE-2015-9235',
    request: withTokenOf((c) =>
      c.issuer.token({}, { secret: JSON.stringify(c.issuer.publicJwk('RS256')) }),
    ),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'HS256 with the configured shared secret',
    ref: 'RFC 7518 §3.2',
    guard: { secret: 'a-shared-secret-of-at-least-32-bytes!' },
    request: withTokenOf((c) =>
      c.issuer.token({}, { secret: 'a-shared-secret-of-at-least-32-bytes!' }),
    ),
    expect: { status: 200 },
  },
  {
    group: JWT,
    title: 'jku header pointing at an attacker (never fetched)',
    ref: 'RFC 8725 §3.10, RFC 7515 §4.1.2',
    request: withTokenOf((c) => c.issuer.token({}, { header: { jku: c.attackerUrl } })),
    expect: INVALID_TOKEN,
    check: (c) => noAttacker(c),
  },
  {
    group: JWT,
    title: 'x5u header pointing at an attacker (never fetched)',
    ref: 'RFC 8725 §3.10, RFC 7515 §4.1.5',
    request: withTokenOf((c) => c.issuer.token({}, { header: { x5u: c.attackerUrl } })),
    expect: INVALID_TOKEN,
    check: (c) => noAttacker(c),
  },
  {
    group: JWT,
    title: 'embedded jwk header, signed by that key',
    ref: 'RFC 7515 §4.1.3; CVE-2018-0114',
    request: async (c) => {
      const evil = await generateKeyPair('RS256', { extractable: true })
      return {
        authorization: bearer(
          await c.issuer.token(
            {},
            { key: evil.privateKey, header: { jwk: await exportJWK(evil.publicKey) } },
          ),
        ),
      }
    },
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'crit with an unknown extension',
    ref: 'RFC 7515 §4.1.11',
    request: withTokenOf((c) => c.issuer.token({}, { header: { crit: ['x-ext'], 'x-ext': true } })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'b64:false (unencoded payload)',
    ref: 'RFC 7797 §6; RFC 8725 §3.7',
    request: withTokenOf((c) => c.issuer.token({}, { header: { b64: false, crit: ['b64'] } })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'JWE (five parts) where a JWS is required',
    ref: 'RFC 7516 §9; RFC 9068 §4',
    request: async () => ({
      authorization: bearer('eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn'),
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'JWS JSON serialisation (in a form body)',
    ref: 'RFC 7515 §7.2; RFC 7519 §7.2',
    guard: ALL_METHODS,
    request: async (c) => {
      const [h, p, s] = (await c.issuer.token({})).split('.')
      return {
        method: 'POST',
        form: { access_token: JSON.stringify({ protected: h, payload: p, signature: s }) },
      }
    },
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'payload that is a JSON array',
    ref: 'RFC 7519 §7.2 step 10',
    request: withTokenOf((c) => c.issuer.token({}, { payload: '[1,2]' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'invalid UTF-8 in the payload',
    ref: 'RFC 7519 §7.2 step 9; RFC 8259 §8.1',
    request: withTokenOf((c) => {
      const bytes = Buffer.from(
        JSON.stringify({ iss: c.issuer.url, aud: AUDIENCE, exp: c.now() + 60, sub: 'X' }),
      )
      bytes[bytes.indexOf(0x58)] = 0xff
      return c.issuer.token({}, { payload: new Uint8Array(bytes) })
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'non-canonical base64url (unused bits set)',
    ref: 'RFC 7515 §2, RFC 4648 §3.5',
    request: withTokenOf(async (c) => {
      const t = await c.issuer.token({}, { alg: 'ES256' })
      const last = t.at(-1) as string
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      return t.slice(0, -1) + (alphabet[alphabet.indexOf(last) + 1] ?? 'A')
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'ECDSA signature of zeros ("psychic signature")',
    ref: 'CVE-2022-21449',
    request: withTokenOf(async (c) => {
      const [h, p] = (await c.issuer.token({}, { alg: 'ES256' })).split('.')
      return `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'a tampered payload',
    ref: 'RFC 7515 §5.2',
    request: withTokenOf(async (c) => {
      const [h, , s] = (await c.issuer.token({})).split('.')
      return `${h}.${Buffer.from(JSON.stringify({ iss: c.issuer.url, aud: AUDIENCE, exp: c.now() + 60, scope: 'admin' })).toString('base64url')}.${s}`
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'signed by a key not in the JWKS',
    ref: 'RFC 7515 §5.2',
    request: withTokenOf((c) => c.issuer.token({}, { key: 'unknown' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: '1024-bit RSA key in the JWKS',
    ref: 'RFC 7518 §3.3 (2048 bits minimum)',
    request: async (c) => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
      c.issuer.setJwks({
        keys: [{ ...(await exportJWK(publicKey)), kid: 'weak', alg: 'RS256', use: 'sig' }],
      })
      return {
        authorization: bearer(
          await c.issuer.token({}, { key: privateKey, header: { kid: 'weak' } }),
        ),
      }
    },
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'key with use "enc"',
    ref: 'RFC 7517 §4.2',
    setup: (c) => c.issuer.setJwks({ keys: [{ ...c.issuer.publicJwk('RS256'), use: 'enc' }] }),
    request: withTokenOf((c) => c.issuer.token({})),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'key whose key_ops lack "verify"',
    ref: 'RFC 7517 §4.3',
    setup: (c) =>
      c.issuer.setJwks({
        keys: [{ ...c.issuer.publicJwk('RS256'), use: undefined, key_ops: ['encrypt'] }],
      }),
    request: withTokenOf((c) => c.issuer.token({})),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'alg PS256 with a key published for RS256',
    ref: 'RFC 7517 §4.4; RFC 8725 §3.1',
    request: withTokenOf((c) => c.issuer.token({}, { alg: 'PS256' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'alg outside the allow-list',
    ref: 'RFC 8725 §3.1',
    guard: { algorithms: ['ES256'] },
    request: withTokenOf((c) => c.issuer.token({})),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'duplicate kids: a foreign key under a known kid',
    ref: 'RFC 7517 §4.5',
    setup: async (c) => {
      const second = await generateKeyPair('RS256', { extractable: true })
      const jwk = c.issuer.publicJwk('RS256')
      c.issuer.setJwks({
        keys: [
          jwk,
          { ...(await exportJWK(second.publicKey)), kid: jwk.kid, alg: 'RS256', use: 'sig' },
        ],
      })
    },
    request: withTokenOf((c) => c.issuer.token({}, { key: 'unknown' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'unknown kid',
    ref: 'RFC 7515 §4.1.4',
    request: withTokenOf((c) => c.issuer.token({}, { header: { kid: 'no-such-key' } })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'kid differing only in case',
    ref: 'RFC 7515 §4.1.4 (exact match)',
    request: withTokenOf((c) =>
      c.issuer.token({}, { header: { kid: swapCase(c.issuer.publicJwk('RS256').kid as string) } }),
    ),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss with a trailing slash',
    ref: 'RFC 9068 §4; RFC 8414 §3.3 (exact match)',
    request: withTokenOf((c) => c.issuer.token({ iss: `${c.issuer.url}/` })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss in another case',
    ref: 'RFC 9068 §4',
    request: withTokenOf((c) => c.issuer.token({ iss: c.issuer.url.toUpperCase() })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss as an array',
    ref: 'RFC 7519 §4.1.1',
    request: withTokenOf((c) => c.issuer.token({ iss: [c.issuer.url] })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss as a substring of a trusted issuer',
    ref: 'RFC 9068 §4',
    request: withTokenOf((c) => c.issuer.token({ iss: c.issuer.url.slice(0, -1) })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss extending a trusted issuer',
    ref: 'RFC 9068 §4',
    request: withTokenOf((c) => c.issuer.token({ iss: `${c.issuer.url}.evil.example` })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iss with a Unicode look-alike (Cyrillic р)',
    ref: 'RFC 9068 §4; RFC 8725 §3.8',
    request: withTokenOf((c) => c.issuer.token({ iss: c.issuer.url.replace('http', 'httр') })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'aud for another resource',
    ref: 'RFC 9068 §4; RFC 8725 §3.9',
    request: withTokenOf((c) => c.issuer.token({ aud: 'https://other.example.com' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'aud array containing ours',
    ref: 'RFC 7519 §4.1.3',
    request: withTokenOf((c) => c.issuer.token({ aud: ['https://x.example', AUDIENCE] })),
    expect: { status: 200 },
  },
  {
    group: JWT,
    title: 'aud array with a non-string member',
    ref: 'RFC 7519 §4.1.3',
    request: withTokenOf((c) => c.issuer.token({ aud: [AUDIENCE, 42] })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'aud with a Unicode look-alike (Cyrillic а)',
    ref: 'RFC 9068 §4',
    request: withTokenOf((c) => c.issuer.token({ aud: AUDIENCE.replace('a', 'а') })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'no aud',
    ref: 'RFC 9068 §2.2',
    request: withTokenOf((c) => c.issuer.token({ aud: undefined })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'no exp',
    ref: 'RFC 9068 §2.2',
    request: withTokenOf((c) => c.issuer.token({ exp: undefined })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'exp as a string',
    ref: 'RFC 7519 §2 (NumericDate)',
    request: withTokenOf((c) => c.issuer.token({ exp: String(c.now() + 300) })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'expired beyond the 30 s leeway',
    ref: 'RFC 7519 §4.1.4',
    request: withTokenOf((c) => c.issuer.token({ exp: c.now() - 60 })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'expired within the 30 s leeway',
    ref: 'RFC 7519 §4.1.4',
    request: withTokenOf((c) => c.issuer.token({ exp: c.now() - 10 })),
    expect: { status: 200 },
  },
  {
    group: JWT,
    title: 'nbf in the future',
    ref: 'RFC 7519 §4.1.5',
    request: withTokenOf((c) => c.issuer.token({ nbf: c.now() + 120 })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iat in the future',
    ref: 'RFC 7519 §4.1.6; RFC 8725 §3.8',
    request: withTokenOf((c) => c.issuer.token({ iat: c.now() + 120 })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'iat older than maxTokenAge',
    ref: 'RFC 7519 §4.1.6',
    guard: { maxTokenAge: 60 },
    request: withTokenOf((c) => c.issuer.token({ iat: c.now() - 600 })),
    expect: INVALID_TOKEN,
  },
  ...['dpop+jwt', 'id_token+jwt', 'logout+jwt'].map((typ): ConformanceCase => ({
    group: JWT,
    title: `typ "${typ}" (another kind of JWT)`,
    ref: 'RFC 8725 §3.11; RFC 9068 §2.1',
    request: withTokenOf((c) => c.issuer.token({}, { header: { typ } })),
    expect: INVALID_TOKEN,
  })),
  {
    group: JWT,
    title: 'typ "JWT" in lenient mode',
    ref: 'RFC 9068 §2.1',
    request: withTokenOf((c) => c.issuer.token({}, { header: { typ: 'JWT' } })),
    expect: { status: 200 },
  },
  {
    group: JWT,
    title: 'typ "JWT" in strict mode',
    ref: 'RFC 9068 §2.1, §4',
    guard: { typ: 'strict' },
    request: withTokenOf((c) => c.issuer.token({ sub: 'a', jti: 'j' }, { header: { typ: 'JWT' } })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'typ "application/at+jwt" in strict mode',
    ref: 'RFC 9068 §2.1',
    guard: { typ: 'strict' },
    request: withTokenOf((c) =>
      c.issuer.token({ sub: 'a', jti: 'j' }, { header: { typ: 'application/at+jwt' } }),
    ),
    expect: { status: 200 },
  },
  {
    group: JWT,
    title: 'strict mode without the RFC 9068 sub claim',
    ref: 'RFC 9068 §2.2',
    guard: { typ: 'strict' },
    request: withTokenOf((c) => c.issuer.token({ sub: undefined, jti: 'j' })),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'a token longer than maxTokenLength',
    ref: 'RFC 8725 §3 (resource limits)',
    guard: { maxTokenLength: 100 },
    request: withTokenOf((c) => c.issuer.token({})),
    expect: INVALID_TOKEN,
  },
  {
    group: JWT,
    title: 'not a JWT at all (tokenFormat jwt)',
    ref: 'RFC 9068 §4',
    request: async () => ({ authorization: bearer('opaque-token-value') }),
    expect: INVALID_TOKEN,
  },

  // ── RFC 7662 ────────────────────────────────────────────────────────────────────────────────
  {
    group: INTROSPECT,
    title: 'active:true',
    ref: 'RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({ sub: 'alice', scope: 'orders:read' })),
    expect: { status: 200 },
  },
  {
    group: INTROSPECT,
    title: 'active:false (unknown token)',
    ref: 'RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: async () => ({ authorization: bearer('unknown-opaque-token') }),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'revoked at the authorization server',
    ref: 'RFC 7662 §2.2; RFC 7009',
    guard: INTROSPECTION,
    request: withTokenOf(async (c) => {
      const t = await c.issuer.opaqueToken({})
      c.issuer.revoke(t)
      return t
    }),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'active as the string "true"',
    ref: 'RFC 7662 §2.2 (boolean)',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({}, { raw: { active: 'true' } })),
    expect: { status: 503 },
  },
  {
    group: INTROSPECT,
    title: 'active missing',
    ref: 'RFC 7662 §2.2 (REQUIRED)',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({}, { raw: { sub: 'x' } })),
    expect: { status: 503 },
  },
  {
    group: INTROSPECT,
    title: 'active:true but exp in the past',
    ref: 'RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: withTokenOf((c) =>
      c.issuer.opaqueToken({}, { raw: { active: true, exp: c.now() - 120 } }),
    ),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'active:true but nbf in the future',
    ref: 'RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: withTokenOf((c) =>
      c.issuer.opaqueToken({}, { raw: { active: true, nbf: c.now() + 600 } }),
    ),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'active:true but aud foreign',
    ref: 'RFC 7662 §2.2; RFC 9068 §4',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({ aud: 'https://other.example.com' })),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'active:true but iss untrusted',
    ref: 'RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({ iss: 'https://evil.example.com' })),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'a refresh token (token_type)',
    ref: 'RFC 7662 §2.2; RFC 6749 §1.5',
    guard: INTROSPECTION,
    request: withTokenOf((c) => c.issuer.opaqueToken({ token_type: 'refresh_token' })),
    expect: INVALID_TOKEN,
  },
  {
    group: INTROSPECT,
    title: 'scopes checked per route after introspection',
    ref: 'RFC 7662 §2.2 (scope)',
    guard: INTROSPECTION,
    request: async (c) => ({
      path: '/api/orders',
      authorization: bearer(await c.issuer.opaqueToken({ scope: 'profile' })),
    }),
    expect: { status: 403, error: 'insufficient_scope', scope: 'orders:read' },
  },
  ...(
    [
      ['a 500', { type: 'status', status: 500 }],
      ['401 to the resource server', { type: 'status', status: 401 }],
      ['403 to the resource server', { type: 'status', status: 403 }],
      ['an HTML page', { type: 'html' }],
      ['invalid JSON', { type: 'invalid-json' }],
      ['an oversized body', { type: 'huge', bytes: 2_000_000 }],
      ['a redirect', { type: 'redirect', location: 'https://evil.example/introspect' }],
      ['a reset connection', { type: 'reset' }],
      ['a timeout', { type: 'hang' }],
    ] as const
  ).map(([what, fault]): ConformanceCase => ({
    group: INTROSPECT,
    title: `the endpoint answers ${what}`,
    ref: 'RFC 7662 §2.3, §4',
    guard: {
      ...INTROSPECTION,
      maxResponseSize: 64 * 1024,
      introspection: {
        clientId: 'test-client',
        clientSecret: 'test-secret',
        timeout: 300,
        cache: { ttl: 0 },
      },
    },
    setup: (c) => c.issuer.fault('introspection', fault),
    request: withTokenOf((c) => c.issuer.opaqueToken({})),
    expect: { status: 503 },
  })),
  ...SENDER_CONSTRAINED_CASES,
  ...AMBIGUOUS_REQUEST_CASES,
  ...ROLE_AND_CLAIM_CASES,
  ...TENANT_CASES,
  ...REVOCATION_CASES,
  // ── RFC 9470 ────────────────────────────────────────────────────────────────────────────────
  {
    group: STEP_UP,
    title: 'acr one of the acceptable values',
    ref: 'RFC 9470 §3',
    request: async (c) => ({
      path: '/api/mfa',
      authorization: bearer(await valid(c, { acr: HWK_ACR })),
    }),
    expect: { status: 200 },
  },
  {
    group: STEP_UP,
    title: 'acr not among the acceptable values',
    ref: 'RFC 9470 §3 (acr_values)',
    request: async (c) => ({
      path: '/api/mfa',
      authorization: bearer(await valid(c, { acr: 'urn:example:pwd' })),
    }),
    expect: MFA_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'no acr claim',
    ref: 'RFC 9470 §3 (acr_values)',
    request: async (c) => ({ path: '/api/mfa', authorization: bearer(await valid(c)) }),
    expect: MFA_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'acr an array holding an acceptable value',
    ref: 'RFC 9470 §3; OpenID Connect Core §2 (acr is a string)',
    request: async (c) => ({
      path: '/api/mfa',
      authorization: bearer(await valid(c, { acr: [MFA_ACR] })),
    }),
    expect: MFA_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'auth_time within max_age',
    ref: 'RFC 9470 §3',
    request: async (c) => ({
      path: '/api/recent',
      authorization: bearer(await valid(c, { auth_time: c.now() - 60 })),
    }),
    expect: { status: 200 },
  },
  {
    group: STEP_UP,
    title: 'auth_time older than max_age',
    ref: 'RFC 9470 §3 (max_age)',
    request: async (c) => ({
      path: '/api/recent',
      authorization: bearer(await valid(c, { auth_time: c.now() - 3600 })),
    }),
    expect: RECENT_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'no auth_time claim',
    ref: 'RFC 9470 §3 (max_age)',
    request: async (c) => ({ path: '/api/recent', authorization: bearer(await valid(c)) }),
    expect: RECENT_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'auth_time as a string',
    ref: 'RFC 9470 §3; OpenID Connect Core §2 (auth_time is a number)',
    request: async (c) => ({
      path: '/api/recent',
      authorization: bearer(await valid(c, { auth_time: String(c.now()) })),
    }),
    expect: RECENT_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'auth_time in the future',
    ref: 'RFC 9470 §3',
    request: async (c) => ({
      path: '/api/recent',
      authorization: bearer(await valid(c, { auth_time: c.now() + 3600 })),
    }),
    expect: RECENT_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'an opaque token whose introspection answer carries acr',
    ref: 'RFC 9470 §6.2; RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: async (c) => ({
      path: '/api/mfa',
      authorization: bearer(await c.issuer.opaqueToken({ sub: 'alice', acr: MFA_ACR })),
    }),
    expect: { status: 200 },
  },
  {
    group: STEP_UP,
    title: 'an opaque token whose introspection answer has an old auth_time',
    ref: 'RFC 9470 §6.2; RFC 7662 §2.2',
    guard: INTROSPECTION,
    request: async (c) => ({
      path: '/api/recent',
      authorization: bearer(
        await c.issuer.opaqueToken({ sub: 'alice', auth_time: c.now() - 3600 }),
      ),
    }),
    expect: RECENT_REQUIRED,
  },
  {
    group: STEP_UP,
    title: 'no token on a step-up route',
    ref: 'RFC 6750 §3.1',
    request: async () => ({ path: '/api/mfa' }),
    expect: { status: 401, bare: true },
  },
  {
    group: STEP_UP,
    title: 'step-up failure with metadata on',
    ref: 'RFC 9470 §3; RFC 9728 §5.1',
    guard: METADATA_ON,
    request: async (c) => ({ path: '/api/recent', authorization: bearer(await valid(c)) }),
    expect: RECENT_REQUIRED,
    challenge: { resource_metadata: WELL_KNOWN },
  },
  // ── RFC 9728 ────────────────────────────────────────────────────────────────────────────────
  {
    group: METADATA,
    title: 'no token',
    ref: 'RFC 9728 §5.1',
    guard: METADATA_ON,
    request: async () => ({}),
    expect: { status: 401, bare: true },
    challenge: { resource_metadata: WELL_KNOWN },
  },
  {
    group: METADATA,
    title: 'an invalid token',
    ref: 'RFC 9728 §5.1',
    guard: METADATA_ON,
    request: async (c) => ({
      authorization: bearer(await valid(c, { aud: 'https://other.example' })),
    }),
    expect: INVALID_TOKEN,
    challenge: { resource_metadata: WELL_KNOWN },
  },
  {
    group: METADATA,
    title: 'a malformed request',
    ref: 'RFC 9728 §5.1',
    guard: METADATA_ON,
    request: async () => ({ authorization: 'Bearer a b' }),
    expect: INVALID_REQUEST,
    challenge: { resource_metadata: WELL_KNOWN },
  },
  {
    group: METADATA,
    title: 'a token lacking the scope',
    ref: 'RFC 9728 §5.1',
    guard: METADATA_ON,
    request: async (c) => ({ path: '/api/admin', authorization: bearer(await valid(c)) }),
    expect: { status: 403, error: 'insufficient_scope', scope: 'orders:read admin' },
    challenge: { resource_metadata: WELL_KNOWN },
  },
  {
    group: METADATA,
    title: 'a resource with a path: the path-suffixed URL',
    ref: 'RFC 9728 §3.1',
    guard: { resource: 'https://api.example.com/v1', resourceMetadata: true },
    request: async () => ({}),
    expect: { status: 401, bare: true },
    challenge: { resource_metadata: `${WELL_KNOWN}/v1` },
  },
  {
    group: METADATA,
    title: 'a configured metadata URL',
    ref: 'RFC 9728 §5.1',
    guard: { resourceMetadata: 'https://meta.example.com/api.json' },
    request: async () => ({}),
    expect: { status: 401, bare: true },
    challenge: { resource_metadata: 'https://meta.example.com/api.json' },
  },
]

function withTokenOf(make: (ctx: CaseContext) => Promise<string> | string) {
  return async (ctx: CaseContext): Promise<CaseRequest> => ({
    authorization: bearer(await make(ctx)),
  })
}

function noAttacker(ctx: CaseContext): void {
  if (ctx.attackerHits() !== 0) throw new Error('the attacker server was contacted')
}

function swapCase(value: string): string {
  return [...value]
    .map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()))
    .join('')
}

/** A case's whole expected answer in words: the status and the challenge parameters it checks. */
export function describeAnswer(c: ConformanceCase): string {
  const extra = Object.entries(c.challenge ?? {}).map(([name, value]) => `${name}="${value}"`)
  const notOn = c.notOn ? [`not on ${c.notOn.adapters.join(', ')}: ${c.notOn.why}`] : []
  return [describeExpected(c.expect), ...extra, ...notOn].join('; ')
}

/** The expected answer in words, for test names and the docs. */
export function describeExpected(expected: Expected): string {
  if (expected.status === 200) return '200'
  if (expected.status === 'refused') {
    return `refused: ${expected.oneOf.join(' or ')} (by adapter), never the route`
  }
  if (expected.status === 503) return '503 + Retry-After'
  if (expected.status === 500) return '500, no challenge'
  if ('bare' in expected) return '401, bare challenge'
  if (expected.status === 403) {
    return expected.scope === null
      ? '403 insufficient_scope (no scope=)'
      : `403 insufficient_scope (scope="${expected.scope}")`
  }
  if (expected.error === 'insufficient_user_authentication') {
    const params = [
      expected.acrValues && `acr_values="${expected.acrValues}"`,
      expected.maxAge && `max_age="${expected.maxAge}"`,
    ].filter(Boolean)
    return `401 insufficient_user_authentication (${params.join(', ')})`
  }
  return `${expected.status} ${expected.error}`
}
