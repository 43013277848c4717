/**
 * How a rejection reaches the client. `bearerAuth()` and the `require…()` middleware throw an
 * {@link AuthException}: Hono's own `HTTPException`, carrying the `AuthError` (as `authError`
 * and `cause`) and answering, through `getResponse()`, with its status, headers
 * (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`) and RFC 6750 JSON body. So Hono's default
 * error handling answers it right, your `app.onError` receives it first, and the usual
 * `if (err instanceof HTTPException) return err.getResponse()` keeps bearerguard's answer.
 * Anything that is not an `AuthError` (a bug) is thrown as it is, for Hono's 500.
 */
import { AuthError } from '@bearerguard/core'
import { renderError } from '@bearerguard/core/adapter'
import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'

/**
 * The answer to `error`: its status, its headers and the RFC 6750 JSON body
 * `{ "error": "…", "error_description": "…" }`.
 *
 * @example
 * ```ts
 * app.onError((err, c) => (err instanceof AuthError ? authErrorResponse(err) : c.text('Oops', 500)))
 * ```
 */
export function authErrorResponse(error: AuthError): Response {
  const { status, headers, body } = renderError(error)
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

type HttpStatus = ConstructorParameters<typeof HTTPException>[0]

/**
 * A rejection, as Hono's `HTTPException`: `status` is the `AuthError`'s, `authError` (and
 * `cause`) the `AuthError` itself, and `getResponse()` the RFC 6750 answer (a new `Response`
 * at each call).
 *
 * @example
 * ```ts
 * app.onError((err, c) => {
 *   if (err instanceof AuthException) {
 *     metrics.rejected(err.authError.code)
 *     return err.getResponse()
 *   }
 *   return c.text('Internal Server Error', 500)
 * })
 * ```
 */
export class AuthException extends HTTPException {
  /** The rejection: status, RFC 6750 `code`, `description`, `headers`. */
  readonly authError: AuthError

  constructor(authError: AuthError) {
    // a rejection is an expected answer, not a bug: no stack trace (see AuthError)
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(authError.status as HttpStatus, { message: authError.message, cause: authError })
    Error.stackTraceLimit = limit
    this.authError = authError
    this.stack = `AuthException: ${authError.message}`
  }

  override getResponse(): Response {
    return authErrorResponse(this.authError)
  }
}

/**
 * The `AuthError` behind `error`: the error itself, or the one an {@link AuthException}
 * carries; undefined for anything else.
 *
 * @example
 * ```ts
 * app.onError((err, c) => {
 *   const rejection = authErrorOf(err)
 *   if (rejection?.status === 503) console.warn('authorization server unreachable')
 *   return authErrorHandler(err, c)
 * })
 * ```
 */
export function authErrorOf(error: unknown): AuthError | undefined {
  if (error instanceof AuthError) return error
  if (error instanceof AuthException) return error.authError
  return undefined
}

/**
 * An `app.onError` handler: answers an `AuthError` (thrown by bearerguard's middleware, or by
 * your own code, e.g. `guard.authorize()` in a handler) with its status, headers and RFC 6750
 * JSON body, keeping the headers other middleware set on the context (CORS); anything else as
 * Hono's default handler would (an `HTTPException`'s own response, else a logged 500).
 *
 * @example
 * ```ts
 * app.onError(authErrorHandler)
 * // or, with your own answer for other errors:
 * app.onError((err, c) => {
 *   if (authErrorOf(err)) return authErrorHandler(err, c)
 *   return c.json({ message: 'Internal error' }, 500)
 * })
 * ```
 */
export const authErrorHandler: ErrorHandler = (error: Error, c: Context) => {
  const rejection = authErrorOf(error)
  const answer = rejection
    ? authErrorResponse(rejection)
    : hasResponse(error)
      ? error.getResponse()
      : undefined
  if (answer) return c.newResponse(answer.body, answer)
  console.error(error)
  return c.text('Internal Server Error', 500)
}

/** An `HTTPException` (of any copy of Hono), as Hono's default handler recognises one. */
function hasResponse(error: Error): error is Error & { getResponse(): Response } {
  return typeof (error as { getResponse?: unknown }).getResponse === 'function'
}
