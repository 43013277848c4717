/**
 * The introspection requests an issuer received, behind `issuer.introspectionRequests()`.
 */
import type { ClientAuthMethod } from './client-auth.js'

/**
 * One request received by the introspection endpoint.
 *
 * @example
 * ```ts
 * const [first]: IntrospectionRequest[] = issuer.introspectionRequests()
 * first.params.token_type_hint // 'access_token'
 * first.authMethod // 'client_secret_basic'
 * ```
 */
export interface IntrospectionRequest {
  /** The request headers, as node:http parsed them (names in lower case). */
  headers: Record<string, string | string[] | undefined>
  /** The decoded form body. */
  params: Record<string, string>
  /** The authenticated client; `undefined` when client authentication failed. */
  clientId?: string
  /** How the client authenticated; `undefined` when client authentication failed. */
  authMethod?: ClientAuthMethod
}

/**
 * An in-order record of introspection requests.
 *
 * @example
 * ```ts
 * const log = new IntrospectionLog()
 * log.record({ headers: {}, params: { token: 'abc' } })
 * log.list().length // 1
 * ```
 */
export class IntrospectionLog {
  #entries: IntrospectionRequest[] = []

  record(entry: IntrospectionRequest): void {
    this.#entries.push(structuredClone(entry))
  }

  /** Copies of the recorded requests, oldest first. */
  list(): IntrospectionRequest[] {
    return structuredClone(this.#entries)
  }

  clear(): void {
    this.#entries = []
  }
}

/**
 * The parameters of a form as a plain record, keeping the first value of a repeated name.
 *
 * @example
 * ```ts
 * formRecord(new URLSearchParams('token=a&token=b&x=1')) // { token: 'a', x: '1' }
 * ```
 */
export function formRecord(form: URLSearchParams): Record<string, string> {
  const entries = new Map<string, string>()
  for (const [name, value] of form) if (!entries.has(name)) entries.set(name, value)
  return Object.fromEntries(entries)
}
