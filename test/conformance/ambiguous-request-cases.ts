/**
 * The rows of the conformance table for requests that two parsers could read differently:
 * two credentials where Node keeps only the first (RFC 6750 §2: a request carries one token),
 * and path spellings of a protected route (RFC 3986 §6.2.2), which must never reach it
 * without its requirement. Express and Koa route on the path as sent (a spelling they do not
 * know is a 404); the gateway matches its rules on the canonical path and refuses what servers
 * read differently with 400.
 */
import type { CaseContext, ConformanceCase } from './cases.js'

const GROUP = 'Ambiguous requests — one request, one reading'
const INVALID_REQUEST = { status: 400, error: 'invalid_request' } as const
const bearer = (token: string) => `Bearer ${token}`
const valid = (ctx: CaseContext, claims: Record<string, unknown> = {}) =>
  ctx.issuer.token({ sub: 'alice', scope: 'orders:read', ...claims })

const twoHeaders = (
  title: string,
  pair: (ctx: CaseContext) => Promise<[string, string]>,
): ConformanceCase => ({
  group: GROUP,
  title,
  ref: 'RFC 6750 §2, RFC 9110 §5.3',
  request: async (c) => ({ authorization: await pair(c) }),
  expect: INVALID_REQUEST,
})

/** A token with `orders:read` but not `admin`: /api/admin needs both. */
const spelling = (
  path: string,
  why: string,
  oneOf: Array<400 | 401 | 403 | 404>,
): ConformanceCase => ({
  group: GROUP,
  title: `GET ${path} (${why}) with a token lacking admin`,
  ref: 'RFC 3986 §6.2.2, CVE-2019-9901',
  request: async (c) => ({ path, authorization: bearer(await valid(c)) }),
  expect: { status: 'refused', oneOf },
})

export const AMBIGUOUS_REQUEST_CASES: ConformanceCase[] = [
  twoHeaders('two Authorization: Bearer headers, both valid', async (c) => [
    bearer(await valid(c)),
    bearer(await valid(c, { sub: 'bob' })),
  ]),
  twoHeaders('the same Authorization: Bearer header twice', async (c) => {
    const token = bearer(await valid(c))
    return [token, token]
  }),
  twoHeaders('Authorization: Bearer, then Authorization: DPoP', async (c) => [
    bearer(await valid(c)),
    `DPoP ${await valid(c, { sub: 'bob' })}`,
  ]),
  twoHeaders('Authorization: Basic, then Authorization: Bearer', async (c) => [
    'Basic YWxpY2U6c2VjcmV0',
    bearer(await valid(c)),
  ]),
  twoHeaders('Authorization: Bearer <valid>, then Authorization: Bearer <garbage>', async (c) => [
    bearer(await valid(c)),
    'Bearer not-a-token',
  ]),
  spelling('/api/%61dmin', 'an encoded unreserved letter', [403, 404]),
  spelling('/api//admin', 'a doubled slash', [403, 404]),
  spelling('/api/x/../admin', 'a dot segment', [403, 404]),
  spelling('/api/me/..%2Fadmin', 'an encoded slash', [400, 404]),
  spelling('/api/me/%2e%2e/admin', 'an encoded dot segment', [400, 404]),
  spelling('/api/admin;x=1', 'a ; path parameter', [400, 404]),
  spelling('/api/admin%00', 'an encoded NUL', [400, 404]),
  {
    group: GROUP,
    title: 'GET /api/%6De (an encoded letter) without a token',
    ref: 'RFC 3986 §6.2.2',
    request: async () => ({ path: '/api/%6De' }),
    expect: { status: 'refused', oneOf: [401, 404] },
  },
]
