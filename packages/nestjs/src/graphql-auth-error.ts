/**
 * How a rejection looks to a GraphQL client. Apollo Server (4 and 5) lets an error set the
 * HTTP answer through `extensions.http`: the response gets the rejection's headers
 * (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`) and status (@nestjs/apollo resets a
 * response with `data` to 200 unless `preserveHttpStatusForExecutionErrors: false`), and the
 * error in `errors[]` carries
 * `extensions.code` (Apollo's convention: `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_REQUEST`,
 * `SERVICE_UNAVAILABLE`) and the RFC 6750 `error` / `error_description`. A plain `Error` with
 * `extensions` is enough: graphql-js copies them into the `GraphQLError` it wraps it in, so the
 * package imports neither graphql nor @nestjs/graphql.
 */
import type { Rendering } from '@bearerguard/core'

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  503: 'SERVICE_UNAVAILABLE',
}

/**
 * The extensions of a rejection reported in GraphQL.
 *
 * @example
 * ```ts
 * // { code: 'FORBIDDEN', error: 'insufficient_scope', error_description: '…', status: 403 }
 * const { code, error }: GraphqlAuthErrorExtensions = result.errors[0].extensions
 * ```
 */
export interface GraphqlAuthErrorExtensions {
  /** `UNAUTHENTICATED` (401), `FORBIDDEN` (403), `BAD_REQUEST` (400), `SERVICE_UNAVAILABLE` (503). */
  code: string
  /** The RFC 6750 error code (`invalid_token`, `insufficient_scope`, …; `unauthorized` with no token). */
  error: string
  error_description?: string
  /** The HTTP status the rejection has outside GraphQL. */
  status: number
  /** Read and removed by Apollo Server: the status and headers of the HTTP response. */
  http: { status: number; headers: Map<string, string> }
}

/**
 * The error a GraphQL resolver reports for a rejection (see the module comment).
 *
 * @example
 * ```ts
 * const { status, headers, body } = renderError(authError)
 * return graphqlAuthError(status, headers, body) // a filter returns it; graphql-js reports it
 * ```
 */
export function graphqlAuthError(
  status: number,
  headers: Rendering['headers'],
  body: Rendering['body'],
): Error & { extensions: GraphqlAuthErrorExtensions } {
  const error = new Error(body.error_description ?? body.error) as Error & {
    extensions: GraphqlAuthErrorExtensions
  }
  error.name = 'AuthError'
  error.extensions = {
    code: CODES[status] ?? 'UNAUTHENTICATED',
    ...body,
    status,
    http: { status, headers: new Map(Object.entries(headers)) },
  }
  return error
}
