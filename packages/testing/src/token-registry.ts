/**
 * What the issuer remembers about tokens: the opaque tokens it issued (with their introspection
 * claims, or a raw introspection answer) and the tokens revoked since.
 */
import { randomBytes } from 'node:crypto'
import { mergeRemovingUndefined } from './merge.js'

/**
 * Options of `issuer.opaqueToken(claims, options)`.
 *
 * @example
 * ```ts
 * // The introspection endpoint answers exactly this body for the token:
 * await issuer.opaqueToken({}, { raw: { active: 'true' } })
 * ```
 */
export interface OpaqueTokenOptions {
  /**
   * The exact JSON body the introspection endpoint answers for this token: no default claims,
   * no expiry, no revocation. Simulates an authorization server that lies or is broken.
   */
  raw?: Record<string, unknown>
}

/**
 * What the registry needs to know about its issuer.
 *
 * @example
 * ```ts
 * const context: OpaqueTokenContext = { issuer: issuer.url, audience: undefined, tokenTtl: 300 }
 * ```
 */
export interface OpaqueTokenContext {
  readonly issuer: string
  readonly audience: string | readonly string[] | undefined
  readonly tokenTtl: number
}

type OpaqueRecord =
  | { readonly kind: 'claims'; readonly claims: Record<string, unknown> }
  | { readonly kind: 'raw'; readonly body: Record<string, unknown> }

/**
 * The introspection answer for a token this registry knows: its claims (`kind: 'claims'`,
 * still to be checked for expiry and revocation) or a raw answer, or `undefined`.
 *
 * @example
 * ```ts
 * const found: OpaqueLookup = registry.lookup(token) // { kind: 'claims', claims: { active: true, … } }
 * ```
 */
export type OpaqueLookup = OpaqueRecord | undefined

/**
 * Opaque tokens and revocations of one issuer.
 *
 * @example
 * ```ts
 * const registry = new TokenRegistry({ issuer: 'http://127.0.0.1:5000', audience: undefined, tokenTtl: 300 })
 * const token = registry.issueOpaque({ sub: 'alice' })
 * registry.revoke(token)
 * registry.isRevoked(token) // true
 * ```
 */
export class TokenRegistry {
  readonly #context: OpaqueTokenContext
  #opaque = new Map<string, OpaqueRecord>()
  #revoked = new Set<string>()

  constructor(context: OpaqueTokenContext) {
    this.#context = context
  }

  /**
   * Issues a random opaque token (32 random bytes, base64url: 43 characters, never a '.').
   * Default claims: `{ active: true, iss, client_id: 'test-client', token_type: 'Bearer', iat,
   * exp: iat + tokenTtl, aud }`; `claims` override them and `undefined` removes one.
   */
  issueOpaque(claims: Record<string, unknown> = {}, options: OpaqueTokenOptions = {}): string {
    const token = randomBytes(32).toString('base64url')
    if (options.raw !== undefined) {
      this.#opaque.set(token, { kind: 'raw', body: structuredClone(options.raw) })
      return token
    }
    const now = Math.floor(Date.now() / 1000)
    const { issuer, audience, tokenTtl } = this.#context
    const defaults = {
      active: true,
      iss: issuer,
      client_id: 'test-client',
      token_type: 'Bearer',
      iat: now,
      exp: now + tokenTtl,
      aud: audience === undefined ? undefined : structuredClone(audience),
    }
    const merged = mergeRemovingUndefined(defaults, claims)
    this.#opaque.set(token, { kind: 'claims', claims: structuredClone(merged) })
    return token
  }

  /** The record of an opaque token issued here (a copy), or `undefined`. */
  lookup(token: string): OpaqueLookup {
    const record = this.#opaque.get(token)
    return record === undefined ? undefined : structuredClone(record)
  }

  /** Marks a token (opaque, or a JWT by its exact string) revoked. Unknown tokens are fine. */
  revoke(token: string): void {
    this.#revoked.add(token)
  }

  isRevoked(token: string): boolean {
    return this.#revoked.has(token)
  }
}
