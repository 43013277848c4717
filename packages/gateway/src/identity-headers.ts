/**
 * The verified identity as request headers for the upstream, and the rule that keeps a client
 * from sending them itself. Values are sanitised: control characters (CR, LF, NUL…) are
 * removed, and characters outside printable ASCII are percent-encoded (UTF-8) or, with
 * `nonAscii: drop`, the whole header is left out. The token never goes into a header.
 */
import type { AuthInfo } from '@bearerguard/core'
import type { IdentityConfig } from './config/schema.js'

/**
 * Builds identity headers and recognises the names a client must not send.
 *
 * @example
 * ```ts
 * const identity = new IdentityHeaders(config.identity)
 * identity.headersFor(auth) // { 'x-auth-subject': 'alice', 'x-auth-scopes': 'orders:read', ... }
 * identity.isIdentityHeader('X-Auth-Subject'.toLowerCase()) // true
 * ```
 */
export class IdentityHeaders {
  readonly #config: IdentityConfig
  /** Every configured header name. */
  readonly names: ReadonlySet<string>
  /** The configured names and prefix with `_` read as `-`. */
  readonly #owned: ReadonlySet<string>
  readonly #prefix: string | false

  constructor(config: IdentityConfig) {
    this.#config = config
    const names = new Set<string>()
    for (const name of Object.values(config.headers)) if (name) names.add(name)
    for (const name of Object.values(config.claims)) names.add(name)
    this.names = names
    this.#owned = new Set([...names].map(dash))
    this.#prefix = config.stripPrefix === false ? false : dash(config.stripPrefix)
  }

  /**
   * True for a (lower-cased) header name the gateway owns: configured, or under `stripPrefix`,
   * spelled with `-` or `_` (CGI, WSGI and Rack read `X_Auth_Subject` as `X-Auth-Subject`).
   */
  isIdentityHeader(name: string): boolean {
    const dashed = dash(name)
    return this.#owned.has(dashed) || (this.#prefix !== false && dashed.startsWith(this.#prefix))
  }

  /** The identity headers of `auth` (lower-cased names); none for an anonymous request. */
  headersFor(auth: AuthInfo | undefined): Record<string, string> {
    const out: Record<string, string> = {}
    if (!auth) return out
    const { headers, claims } = this.#config
    const put = (name: string | false, value: unknown) => {
      if (name === false || value === undefined || value === null) return
      const text = this.#sanitise(stringify(value))
      if (text !== undefined && text !== '' && !text.includes(auth.token)) out[name] = text
    }
    put(headers.subject, auth.subject)
    put(headers.clientId, auth.clientId)
    put(headers.scopes, auth.scopes.join(' '))
    put(headers.roles, auth.roles.join(','))
    put(headers.issuer, auth.issuer)
    put(headers.audience, auth.audience.join(' '))
    put(headers.expiresAt, auth.expiresAt)
    put(headers.format, auth.format)
    if (headers.claimsJson) {
      out[headers.claimsJson] = Buffer.from(JSON.stringify(auth.claims)).toString('base64url')
    }
    for (const [claim, name] of Object.entries(claims)) put(name, auth.claims[claim])
    return out
  }

  #sanitise(value: string): string | undefined {
    // eslint-disable-next-line no-control-regex
    const clean = value.replace(/[\x00-\x1f\x7f]/g, '').trim()
    if (!/[^\x20-\x7e]/.test(clean)) return clean
    if (this.#config.nonAscii === 'drop') return undefined
    return clean.replace(/[^\x20-\x7e]+/gu, (chars) => encodeURIComponent(chars))
  }
}

function dash(name: string): string {
  return name.includes('_') ? name.replaceAll('_', '-') : name
}

/** Strings as they are, numbers and booleans as text, lists joined by ",", objects as JSON. */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    return value.map(String).join(',')
  }
  return JSON.stringify(value)
}
