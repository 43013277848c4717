/**
 * Verifies a token — as a JWT, or by introspection — through the caches, in steps so the
 * pipeline looks at each token once: {@link TokenVerifier.lookup} decides at once what the
 * caches can (a verified JWT, an introspection result held in memory) and otherwise returns
 * what it worked out (the format, the introspection cache key); {@link TokenVerifier.verifyNow}
 * decides at once a JWT whose keys are at hand (checked, then its signature with node:crypto
 * where the runtime has it); {@link TokenVerifier.verify} goes on from there, waiting for keys
 * or the introspection endpoint, without doing any of it again.
 */
import type { ClaimPath } from '../claims/claim-path.js'
import { buildAuthInfo, type AuthInfoBase } from '../identity/build-auth-info.js'
import type { OpaqueTokenVerifier } from '../introspection/opaque-token-verifier.js'
import { checkTimeClaims } from '../claims/time-claims.js'
import { looksLikeJws } from '../jwt/looks-like-jws.js'
import { VerifiedTokenCache } from '../jwt/verified-token-cache.js'
import {
  checkJwt,
  verifyChecked,
  verifyCheckedNow,
  type CheckedJwt,
  type JwtPolicy,
  type TrustedIssuer,
  type VerifiedJwt,
} from '../jwt/verify-jwt.js'

/**
 * A token the caches could not vouch for: what the lookup found out, for {@link TokenVerifier.verify}.
 *
 * @example
 * ```ts
 * const found = verifier.lookup(token, Date.now())
 * const base = found instanceof TokenMiss ? await verifier.verify(found) : found
 * ```
 */
export class TokenMiss {
  /** A JWT's local checks, once {@link TokenVerifier.verifyNow} has run them. */
  checked: CheckedJwt | undefined

  constructor(
    readonly token: string,
    /** The introspection cache key, for an opaque token; undefined for a JWT. */
    readonly introspectionKey: string | undefined,
  ) {}
}

/**
 * What the verifier needs.
 *
 * @example
 * ```ts
 * new TokenVerifier({ issuers, policy, scopeClaims: ['scope', 'scp'], roleClaims: ['roles'], tokenFormat: 'jwt', jwtCache: { max: 10_000, ttl: 300 } })
 * ```
 */
export interface TokenVerifierSettings {
  issuers: ReadonlyMap<string, TrustedIssuer>
  policy: JwtPolicy
  scopeClaims: readonly ClaimPath[]
  roleClaims: readonly ClaimPath[]
  tokenFormat: 'jwt' | 'opaque' | 'auto'
  /** Verified-token cache bounds; undefined turns it off. */
  jwtCache: { max: number; ttl: number } | undefined
  /** Introspection of opaque tokens; undefined without `introspection`. */
  opaque: OpaqueTokenVerifier | undefined
}

/**
 * @example
 * ```ts
 * const found = verifier.lookup(token, Date.now())
 * ```
 */
export class TokenVerifier {
  readonly #settings: TokenVerifierSettings
  /** Verified JWTs, with the identity built from them. */
  readonly #verified: VerifiedTokenCache<AuthInfoBase> | undefined
  /** Identities built from introspection results, by the result's claims object. */
  readonly #opaqueIdentities = new WeakMap<object, AuthInfoBase>()

  constructor(settings: TokenVerifierSettings) {
    this.#settings = settings
    this.#verified = settings.jwtCache ? new VerifiedTokenCache(settings.jwtCache) : undefined
  }

  /**
   * The identity of a token the caches vouch for now (time claims checked again), or a
   * {@link TokenMiss}. Throws an `AuthError` for a cached verdict against the token (an
   * inactive introspection result, a token expired while cached).
   */
  lookup(token: string, nowMs: number): AuthInfoBase | TokenMiss {
    const jwt = this.#cachedJwt(token, nowMs)
    if (jwt) return jwt
    const { opaque, tokenFormat } = this.#settings
    if (!opaque || tokenFormat === 'jwt' || (tokenFormat === 'auto' && looksLikeJws(token))) {
      return new TokenMiss(token, undefined)
    }
    const key = opaque.keyOf(token)
    const held = opaque.peek(key)
    return held ? this.#opaqueIdentity(token, held) : new TokenMiss(token, key)
  }

  /**
   * A JWT the caches could not vouch for, decided without waiting when its keys are at hand:
   * its identity (and the verified-token cache filled), or a throw for an invalid token;
   * undefined when only {@link verify} can tell (keys to fetch, an opaque token).
   */
  verifyNow(miss: TokenMiss, nowMs: number): AuthInfoBase | undefined {
    if (miss.introspectionKey !== undefined) return undefined
    const { issuers, policy } = this.#settings
    miss.checked = checkJwt(miss.token, issuers, policy, nowMs / 1000)
    const verified = verifyCheckedNow(miss.checked)
    return verified && this.#remember(miss.token, verified, nowMs)
  }

  /** Verifies a token the caches could not vouch for (and caches the verdict). */
  async verify(miss: TokenMiss): Promise<AuthInfoBase> {
    const { opaque, issuers, policy } = this.#settings
    if (miss.introspectionKey === undefined || !opaque) {
      const now = Date.now()
      miss.checked ??= checkJwt(miss.token, issuers, policy, now / 1000)
      return this.#remember(miss.token, await verifyChecked(miss.checked), now)
    }
    return this.#opaqueIdentity(miss.token, await opaque.verify(miss.token, miss.introspectionKey))
  }

  /** Forgets a verified JWT. */
  forget(token: string): void {
    this.#verified?.delete(token)
  }

  /** Forgets every verified JWT. */
  forgetAll(): void {
    this.#verified?.clear()
  }

  /** A verified-token cache hit for `token` (time claims checked), or undefined. */
  #cachedJwt(token: string, nowMs: number): AuthInfoBase | undefined {
    const cache = this.#verified
    const hit = cache?.get(token, nowMs)
    if (!hit) return undefined
    const keys = this.#settings.issuers.get(hit.issuer)?.keys
    if (keys?.generation === hit.generation && keys.usable()) {
      // exp, nbf and the token's age move on while it is cached: checked on every hit
      checkTimeClaims(hit.value.claims, this.#settings.policy, nowMs / 1000)
      return hit.value
    }
    cache?.delete(token) // verified with a key set that has since changed, or gone stale
    return undefined
  }

  /** The identity of a verified JWT, kept in the verified-token cache. */
  #remember(token: string, verified: VerifiedJwt, nowMs: number): AuthInfoBase {
    const { issuer, claims, generation } = verified
    const base = buildAuthInfo({
      token,
      format: 'jwt',
      issuer,
      claims,
      scopeClaims: this.#settings.scopeClaims,
      roleClaims: this.#settings.roleClaims,
    })
    this.#verified?.set(
      token,
      { issuer, value: base, generation },
      { exp: claims.exp, iat: claims.iat, maxTokenAge: this.#settings.policy.maxTokenAge },
      nowMs,
    )
    return base
  }

  /**
   * The identity of an active opaque token, built once per introspection result: a cached
   * result is the same claims object on every hit, so its identity is too.
   */
  #opaqueIdentity(
    token: string,
    verified: { issuer: string; claims: Record<string, unknown> },
  ): AuthInfoBase {
    const built = this.#opaqueIdentities.get(verified.claims)
    if (built?.token === token && built.issuer === verified.issuer) return built
    const base = buildAuthInfo({
      token,
      format: 'opaque',
      ...verified,
      scopeClaims: this.#settings.scopeClaims,
      roleClaims: this.#settings.roleClaims,
    })
    this.#opaqueIdentities.set(verified.claims, base)
    return base
  }
}
