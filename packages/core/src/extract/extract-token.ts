/**
 * Bearer token extraction per RFC 6750 §2: the Authorization header (always), and the form
 * body and query parameter when enabled. Hand-written because it is a few lines of grammar
 * that no maintained library implements with the RFC's error semantics.
 */
import { InvalidRequestError } from '../errors/auth-error.js'
import { headerValues, type RequestLike } from '../request/request-like.js'

/**
 * Where a bearer token may be sent (RFC 6750 §2.1–2.3).
 *
 * @example
 * ```ts
 * const methods: BearerMethod[] = ['header', 'body']
 * createGuard({ issuer, audience, bearerMethods: methods })
 * ```
 */
export type BearerMethod = 'header' | 'body' | 'query'

/**
 * A token found in a request, where, and with which scheme.
 *
 * @example
 * ```ts
 * const found: ExtractedToken | undefined = extractToken(request, ['header'])
 * if (found) console.log(`token in the ${found.method}`)
 * ```
 */
export interface ExtractedToken {
  token: string
  method: BearerMethod
  /** `DPoP` for `Authorization: DPoP <token>` (RFC 9449 §7.1); `Bearer` otherwise. */
  scheme: 'Bearer' | 'DPoP'
}

/** RFC 6750 §2.1 b64token (RFC 9110 token68 is the same set), after the scheme and spaces. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const SCHEME = /^(bearer|dpop)(?=[ \t]|$)/i
const OWS = /^[ \t]+|[ \t]+$/g
/** The well-formed common case in one test: `Bearer`, spaces, a b64token, nothing else. */
const WELL_FORMED = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i

/**
 * Finds the access token of a request, or `undefined` when there is none (no credentials, or
 * another scheme such as `Basic`). With `dpop`, `Authorization: DPoP <token>` counts too;
 * without, it is another scheme. Throws {@link InvalidRequestError} for a malformed request:
 * bad header grammar, an empty token, a token in more than one place (both schemes at once
 * included) or in a disabled method.
 *
 * @example
 * ```ts
 * extractToken({ method: 'GET', url: '/x', headers: { authorization: 'Bearer abc' } }, ['header'])
 * // → { token: 'abc', method: 'header', scheme: 'Bearer' }
 * ```
 */
export function extractToken(
  request: RequestLike,
  methods: readonly BearerMethod[],
  dpop = false,
): ExtractedToken | undefined {
  const fromHeader = tokenFromHeader(request, dpop)
  const fromBody = tokenFromBody(request)
  const fromQuery = tokenFromQuery(request)
  const count =
    (fromHeader === undefined ? 0 : 1) +
    (fromBody === undefined ? 0 : 1) +
    (fromQuery === undefined ? 0 : 1)
  if (count > 1) {
    throw new InvalidRequestError(
      fromHeader?.scheme === 'DPoP'
        ? 'Access token must be sent in exactly one way (DPoP and Bearer at once)'
        : 'Bearer token must be sent in exactly one way',
    )
  }
  const found: ExtractedToken | undefined =
    fromHeader ??
    (fromBody !== undefined
      ? { token: fromBody, method: 'body', scheme: 'Bearer' }
      : fromQuery !== undefined
        ? { token: fromQuery, method: 'query', scheme: 'Bearer' }
        : undefined)
  if (found === undefined || methods.includes(found.method)) return found
  throw new InvalidRequestError(
    found.method === 'query'
      ? 'Bearer tokens in the query string are not accepted'
      : found.method === 'body'
        ? 'Bearer tokens in the request body are not accepted'
        : 'Bearer tokens in the Authorization header are not accepted',
  )
}

function tokenFromHeader(request: RequestLike, dpop: boolean): ExtractedToken | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string') {
    const match = WELL_FORMED.exec(header)
    if (match) return { token: match[1] as string, method: 'header', scheme: 'Bearer' }
  }
  const values = headerValues(request, 'authorization')
  if (values.length === 0) return undefined
  const ours: Array<{ value: string; scheme: 'Bearer' | 'DPoP' }> = []
  for (const raw of values) {
    const value = raw.replace(OWS, '')
    const scheme = SCHEME.exec(value)?.[1]?.toLowerCase()
    if (scheme === 'bearer') ours.push({ value, scheme: 'Bearer' })
    else if (scheme === 'dpop' && dpop) ours.push({ value, scheme: 'DPoP' })
  }
  if (values.length > 1) {
    if (ours.length > 0) throw new InvalidRequestError('Multiple Authorization headers')
    return undefined
  }
  const [first] = ours
  if (first === undefined) return undefined // another scheme, e.g. Basic: no credentials of ours
  const { value, scheme } = first
  const rest = value.slice(scheme.length)
  if (rest.trim() === '') throw new InvalidRequestError(`${scheme} token is empty`)
  if (!rest.startsWith(' ')) throw new InvalidRequestError(`${scheme} token is malformed`)
  const token = rest.replace(/^ +/, '')
  if (!B64TOKEN.test(token)) throw new InvalidRequestError(`${scheme} token is malformed`)
  return { token, method: 'header', scheme }
}

function tokenFromBody(request: RequestLike): string | undefined {
  const { body } = request
  if (typeof body !== 'object' || body === null || !('access_token' in body)) return undefined
  const contentType = headerValues(request, 'content-type')[0] ?? ''
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/x-www-form-urlencoded') return undefined
  const value = (body as Record<string, unknown>).access_token
  if (request.method.toUpperCase() === 'GET') {
    throw new InvalidRequestError('Bearer tokens may not be sent in the body of a GET request')
  }
  return singleParam(value)
}

function tokenFromQuery(request: RequestLike): string | undefined {
  const url = request.target ?? request.url
  const q = url.indexOf('?')
  if (q === -1) return undefined
  const hash = url.indexOf('#', q)
  const params = new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash))
  const values = params.getAll('access_token')
  if (values.length === 0) return undefined
  return singleParam(values.length === 1 ? values[0] : values)
}

function singleParam(value: unknown): string {
  if (Array.isArray(value)) {
    throw new InvalidRequestError('access_token must be sent once')
  }
  if (typeof value !== 'string') throw new InvalidRequestError('access_token is malformed')
  if (value === '') throw new InvalidRequestError('Bearer token is empty')
  return value
}
