/** `bearerAuth()`: the Hono middleware that authenticates every request it sees. */
import {
  InvalidRequestError,
  toGuard,
  type AuthInfo,
  type Guard,
  type GuardOrOptions,
} from '@bearerguard/core'
import { checkRequest, rememberGuard } from '@bearerguard/core/adapter'
import type { Context, MiddlewareHandler, Next } from 'hono'
import { ambiguousTarget } from './ambiguous-target.js'
import { AuthException } from './auth-exception.js'
import { rejection } from './rejection.js'
import './auth-variables.js'
import { toRequestLike } from './to-request-like.js'

const FORM = 'application/x-www-form-urlencoded'
/**
 * The largest form body read before authenticating (as the gateway's `proxy.maxFormBody`).
 * A bigger one, or one of unknown length (chunked), is not read: a caller without a token
 * cannot make every protected route buffer an unbounded body.
 */
const MAX_FORM_BYTES = 1024 * 1024

/**
 * Authenticates the request, sets `c.get('auth')` (the caller's `AuthInfo`; undefined for an
 * anonymous request to an `optional` guard) and adds the headers the guard asks for to the
 * response (`Cache-Control: private` for a query token, `DPoP-Nonce`). A rejection is thrown
 * as an {@link AuthException} — Hono's `HTTPException`, answered with status,
 * `WWW-Authenticate` / `Retry-After` and the RFC 6750 JSON body — so your `app.onError`
 * receives it first. A token the guard has verified before is decided without waiting. A
 * form-encoded body (`application/x-www-form-urlencoded`, where RFC 6750 §2.2 tokens travel)
 * of a declared length up to 1 MiB is read first, through Hono's body cache, so your handler
 * can still read it; a bigger or chunked one is left unread. On Node, a path
 * the runtime read differently from how it was sent (an encoded dot segment) is refused with
 * 400 `invalid_request`.
 *
 * @example
 * ```ts
 * const app = new Hono()
 * app.use('/api/*', bearerAuth({ issuer: 'https://as.example.com', audience: 'https://api.example.com' }))
 * app.get('/api/me', (c) => c.json({ sub: c.get('auth')?.subject }))
 * ```
 */
export function bearerAuth(guardOrOptions: GuardOrOptions): MiddlewareHandler {
  const guard = toGuard(guardOrOptions)
  const authenticate = (c: Context, next: Next, body: unknown): Promise<void> =>
    checkRequest(
      guard,
      toRequestLike(c, body),
      (auth) => {
        c.set('auth', auth)
        return auth ? withResponseHeaders(guard, auth, c, next) : next()
      },
      (error) => {
        throw rejection(error)
      },
    ) as Promise<void>
  return function bearerAuth(c, next) {
    rememberGuard(c, guard)
    const ambiguous = ambiguousTarget(c)
    if (ambiguous) {
      throw new AuthException(new InvalidRequestError(ambiguous /* a canonicalPath refusal */))
    }
    if (!isForm(c)) return authenticate(c, next, undefined)
    return formBody(c).then((body) => authenticate(c, next, body))
  }
}

/**
 * Goes on, then adds the guard's headers for `auth` (usually none) to whatever response the
 * route made — a `Response` a handler returned itself included.
 */
function withResponseHeaders(guard: Guard, auth: AuthInfo, c: Context, next: Next): Promise<void> {
  const headers = guard.responseHeaders(auth)
  if (isEmpty(headers)) return next()
  return next().then(() => {
    for (const name in headers) c.header(name, headers[name])
  })
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false
  return true
}

/** A form-encoded request (whose body may hold a token) of a known length we are ready to read. */
function isForm(c: Context): boolean {
  const headers = c.req.raw.headers
  const type = headers.get('content-type')
  if (type === null || type.slice(0, FORM.length).toLowerCase() !== FORM) return false
  const length = headers.get('content-length')
  return length !== null && /^\d+$/.test(length) && Number(length) <= MAX_FORM_BYTES
}

/** The form's fields, a field sent several times as a list (which the guard refuses). */
async function formBody(c: Context): Promise<Record<string, unknown>> {
  const form = await c.req.formData()
  // no prototype: a field named __proto__ is a field like any other
  const body = Object.create(null) as Record<string, unknown>
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name)
    body[name] = values.length === 1 ? values[0] : values
  }
  return body
}
