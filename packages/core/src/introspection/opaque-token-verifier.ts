/**
 * Verifies opaque tokens by introspection, through the cache: lookup (or one shared
 * introspection call) → `active` → per-request checks of the cached claims.
 *
 * The introspection endpoint has its own circuit breaker. A failed introspection — the
 * endpoint down, or a garbage answer about this one token (`active: "true"`, non-JSON, a
 * 500) — is this token's 503 and one failure for the breaker; the next token's success
 * closes the count again, so one bad answer never fails other tokens. Only several failures
 * in a row pause the endpoint; then one introspection at a time probes it, and requests for
 * other tokens meanwhile get a fast 503 (requests for the same token share its one call).
 */
import { explained } from '../errors/explanation.js'
import { InvalidTokenError } from '../errors/auth-error.js'
import { CircuitBreaker } from '../http/circuit-breaker.js'
import { UpstreamError, type FetchJsonOptions } from '../http/fetch-json.js'
import { isUpstreamFailure } from '../http/is-upstream-failure.js'
import type { KeySource } from '../keys/key-source.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import type { IntrospectionSettings } from './introspection-settings.js'
import type { IntrospectionCacheEntry } from './cache-store.js'
import { checkIntrospection, type IntrospectionPolicy } from './check-introspection.js'
import { clientAuthenticator, type ClientCredentials } from './client-auth.js'
import { introspect } from './introspect.js'
import { IntrospectionCache, introspectionCacheKey } from './introspection-cache.js'

export interface OpaqueTokenVerifierDeps {
  config: IntrospectionSettings
  http: FetchJsonOptions
  /** The endpoint: configured, or from the issuer's discovery document. */
  endpoint: () => Promise<string>
  policy: IntrospectionPolicy
  /** The issuer's keys and algorithms, for signed responses. */
  issuerKeys: { algorithms: ReadonlySet<string>; keys: KeySource }
}

/**
 * @example
 * ```ts
 * const key = verifier.keyOf(token)
 * const { issuer, claims } = verifier.peek(key) ?? (await verifier.verify(token, key))
 * ```
 */
export class OpaqueTokenVerifier {
  readonly #deps: OpaqueTokenVerifierDeps
  readonly #cache: IntrospectionCache
  readonly #credentials: ReturnType<typeof clientAuthenticator>
  /** Spares a failing introspection endpoint a call per incoming request. */
  readonly #breaker: CircuitBreaker
  /** The endpoint last called, for telemetry. */
  #endpoint = ''

  constructor(deps: OpaqueTokenVerifierDeps) {
    this.#deps = deps
    this.#breaker = new CircuitBreaker({
      onChange: (state) => deps.http.observer?.circuit('introspection', this.#endpoint, state),
    })
    const { config } = deps
    this.#cache = new IntrospectionCache({
      store: config.store,
      ttlMs: config.ttlMs,
      negativeTtlMs: config.negativeTtlMs,
    })
    this.#credentials = clientAuthenticator(config.auth)
  }

  /**
   * The cache key of `token`: SHA-256 of the issuer and the token, computed once per request
   * and handed to {@link peek} and {@link verify}.
   */
  keyOf(token: string): string {
    return introspectionCacheKey(this.#deps.config.issuer, token)
  }

  /**
   * Without waiting: the verdict for a token whose introspection result the store has at hand
   * (an AuthError is thrown as by `verify`), or undefined when only `verify` can tell.
   */
  peek(key: string): { issuer: string; claims: Record<string, unknown> } | undefined {
    const entry = this.#cache.peek(key)
    return entry && this.#accept(entry)
  }

  /** The issuer and claims of an active, acceptable token; throws an AuthError otherwise. */
  async verify(
    token: string,
    key: string = this.keyOf(token),
  ): Promise<{ issuer: string; claims: Record<string, unknown> }> {
    return this.#accept(await this.#cache.get(key, () => unavailableOnFailure(this.#load(token))))
  }

  /** An introspection result's verdict for this request: checked against the policy now. */
  #accept(entry: IntrospectionCacheEntry): { issuer: string; claims: Record<string, unknown> } {
    if (!entry.active) {
      throw explained(new InvalidTokenError('Token is not active'), () => ({
        check: 'active',
        expected: true,
        actual: false,
        note: 'the introspection endpoint answered active: false (unknown, expired or revoked)',
      }))
    }
    checkIntrospection(entry.claims, this.#deps.policy, Date.now() / 1000)
    return { issuer: entry.issuer, claims: entry.claims }
  }

  /** Forgets `token` in the cache (everywhere, with a shared store). */
  revoke(token: string): Promise<void> {
    return this.#cache.evict(this.keyOf(token))
  }

  /**
   * Client credentials for one call. A key that cannot sign is a configuration fault: the
   * token cannot be checked, so the request gets a 503, not a 401.
   */
  async credentials(): Promise<ClientCredentials> {
    try {
      return await this.#credentials(this.#deps.config.issuer)
    } catch {
      throw new UpstreamError('client_auth', this.#deps.config.issuer)
    }
  }

  async #load(token: string): Promise<IntrospectionCacheEntry> {
    const response = await this.#breaker.run(() => this.#introspect(token), isUpstreamFailure)
    if (response.active !== true) return { active: false }
    const issuer = typeof response.iss === 'string' ? response.iss : this.#deps.config.issuer
    return { active: true, issuer, claims: response }
  }

  async #introspect(token: string): Promise<Record<string, unknown>> {
    const { config, http, issuerKeys } = this.#deps
    const endpoint = (this.#endpoint = await this.#deps.endpoint())
    return introspect(token, {
      endpoint,
      http: { ...http, timeout: config.timeoutMs },
      // made inside the introspection call, so that a client_auth failure is reported as one
      credentials: () => this.credentials(),
      signed: config.signedResponses
        ? { issuer: config.issuer, clientId: config.auth.clientId, ...issuerKeys }
        : undefined,
    })
  }
}
