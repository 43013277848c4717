/** The resolved `introspection` option (RFC 7662): what the opaque-token verifier works from. */
import type { KeyObject } from 'node:crypto'
import type { CryptoKey, JWK } from 'jose'
import type { CacheStore } from './cache-store.js'

/**
 * How requests to the introspection endpoint are authenticated.
 *
 * @example
 * ```ts
 * const auth: ClientAuth = { method: 'client_secret_basic', clientId: 'api', clientSecret: 's3cret' }
 * ```
 */
export type ClientAuth =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  | {
      method: 'private_key_jwt'
      clientId: string
      privateKey: JWK | CryptoKey | KeyObject
      alg: string
      kid: string | undefined
    }

/**
 * Which tokens are verified locally as JWTs and which are introspected.
 *
 * @example
 * ```ts
 * const format: TokenFormat = 'auto' // JWS-shaped tokens locally, the rest by introspection
 * ```
 */
export type TokenFormat = 'jwt' | 'opaque' | 'auto'

/**
 * The guard's introspection settings, resolved once at construction.
 *
 * @example
 * ```ts
 * new OpaqueTokenVerifier({ config: settings.introspection, … })
 * ```
 */
export interface IntrospectionSettings {
  /** The issuer whose introspection endpoint this is. */
  issuer: string
  /** Configured endpoint, or undefined to discover it. */
  endpoint: string | undefined
  auth: ClientAuth
  signedResponses: boolean
  requireAudience: boolean
  timeoutMs: number
  /** 0 = no caching. */
  ttlMs: number
  negativeTtlMs: number
  store: CacheStore
}
