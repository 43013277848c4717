/**
 * Bearer token extraction per RFC 6750 §2: the Authorization header (always), and the form
 * body and query parameter when enabled. Hand-written because it is a few lines of grammar
 * that no maintained library implements with the RFC's error semantics.
 */
import { InvalidRequestError } from '../errors/auth-error.js'
import { headerValues, type RequestLike } from '../request-like.js'

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
 * A token found in a request, and where.
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
}

/** RFC 6750 §2.1 b64token, after `Bearer` and one or more spaces. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const BEARER_SCHEME = /^bearer(?=[ \t]|$)/i
const OWS = /^[ \t]+|[ \t]+$/g
/** The well-formed common case in one test: `Bearer`, spaces, a b64token, nothing else. */
const WELL_FORMED = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i

/**
 * Finds the bearer token of a request, or `undefined` when there is none (no credentials, or
 * another scheme such as `Basic`). Throws {@link InvalidRequestError} for a malformed request:
 * bad header grammar, an empty token, a token in more than one place or in a disabled method.
 *
 * @example
 * ```ts
 * extractToken({ method: 'GET', url: '/x', headers: { authorization: 'Bearer abc' } }, ['header'])
 * // → { token: 'abc', method: 'header' }
 * ```
 */
export function extractToken(
  request: RequestLike,
  methods: readonly BearerMethod[],
): ExtractedToken | undefined {
  const found: ExtractedToken[] = []
  const fromHeader = tokenFromHeader(request)
  if (fromHeader !== undefined) found.push({ token: fromHeader, method: 'header' })
  const fromBody = tokenFromBody(request)
  if (fromBody !== undefined) found.push({ token: fromBody, method: 'body' })
  const fromQuery = tokenFromQuery(request)
  if (fromQuery !== undefined) found.push({ token: fromQuery, method: 'query' })

  if (found.length > 1) {
    throw new InvalidRequestError('Bearer token must be sent in exactly one way')
  }
  const [only] = found
  if (!only) return undefined
  if (!methods.includes(only.method)) {
    throw new InvalidRequestError(
      only.method === 'query'
        ? 'Bearer tokens in the query string are not accepted'
        : 'Bearer tokens in the request body are not accepted',
    )
  }
  return only
}

function tokenFromHeader(request: RequestLike): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string') {
    const match = WELL_FORMED.exec(header)
    if (match) return match[1]
  }
  const values = headerValues(request, 'authorization')
  if (values.length === 0) return undefined
  const bearer = values.filter((v) => BEARER_SCHEME.test(v.replace(OWS, '')))
  if (values.length > 1) {
    if (bearer.length > 0) throw new InvalidRequestError('Multiple Authorization headers')
    return undefined
  }
  const [value] = bearer
  if (value === undefined) return undefined // another scheme, e.g. Basic: no bearer credentials
  const rest = value.replace(OWS, '').slice('bearer'.length)
  if (rest.trim() === '') throw new InvalidRequestError('Bearer token is empty')
  if (!rest.startsWith(' ')) throw new InvalidRequestError('Bearer token is malformed')
  const token = rest.replace(/^ +/, '')
  if (!B64TOKEN.test(token)) throw new InvalidRequestError('Bearer token is malformed')
  return token
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
  const q = request.url.indexOf('?')
  if (q === -1) return undefined
  const hash = request.url.indexOf('#', q)
  const params = new URLSearchParams(request.url.slice(q + 1, hash === -1 ? undefined : hash))
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
