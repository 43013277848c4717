/**
 * JWTs revoked with `guard.revoke(jwt)`, denied until they expire. A JWT is known by its
 * issuer and `jti` (by the token itself when it has no `jti`), hashed (SHA-256) into a cache
 * store key. This process keeps the keys it knows denied in a bounded local set, checked
 * without waiting on every request; a shared store (`@bearerguard/redis`) also records them for
 * every instance and broadcasts them (`CacheStore.deny` / `onRevoked`), and a token this
 * instance verifies afresh is looked up there first.
 */
import { LRUCache } from 'lru-cache'
import { AuthServerUnavailableError, InvalidTokenError } from '../errors/auth-error.js'
import { MemoryCacheStore, type CacheStore } from '../introspection/cache-store.js'
import { sha256Base64url } from '../platform/sha256.js'

/** Prefix of deny keys in the cache store, apart from introspection keys. */
export const DENY_KEY_PREFIX = 'jwt-deny:'

const DENIED = Object.freeze({ active: false as const })

/** What a revoked token is refused with. */
export function revokedTokenError(): InvalidTokenError {
  return new InvalidTokenError('The token has been revoked')
}

/**
 * @example
 * ```ts
 * const denyList = new JwtDenyList(store, { localTtlMs: 300_000 })
 * await denyList.deny(denyList.keyOf(issuer, claims, token), ttlMs)
 * ```
 */
export class JwtDenyList {
  readonly #store: CacheStore | undefined
  /** The store is shared with other processes: a fresh verification asks it. */
  readonly #shared: boolean
  readonly #local: LRUCache<string, true>
  readonly #localTtlMs: number

  constructor(
    store: CacheStore | undefined,
    options: {
      /** How long a key learnt from a broadcast is kept here (the verified-token cache's ttl). */
      localTtlMs: number
      /** Called when broadcasts may have been missed: drop what is held verified in memory. */
      onGap?: () => void
    },
  ) {
    this.#store = store
    this.#shared = store !== undefined && !(store instanceof MemoryCacheStore)
    this.#localTtlMs = Math.max(1000, options.localTtlMs)
    this.#local = new LRUCache({ max: 100_000, ttlAutopurge: false })
    store?.onRevoked?.((key) => {
      if (key === undefined) options.onGap?.()
      else if (key.startsWith(DENY_KEY_PREFIX))
        this.#local.set(key, true, { ttl: this.#localTtlMs })
    })
  }

  /**
   * Whether a JWT could be denied at all without looking further: something is denied here, or
   * the store is shared. False on the hot path of a guard that never revoked anything.
   */
  get active(): boolean {
    return this.#shared || this.#local.size > 0
  }

  /** The store key of a JWT: its issuer and `jti`, or the token itself without a `jti`. */
  keyOf(issuer: string, claims: Readonly<Record<string, unknown>>, token: string): string {
    const jti = Object.hasOwn(claims, 'jti') ? claims.jti : undefined
    const id = typeof jti === 'string' && jti !== '' ? `jti\n${issuer}\n${jti}` : `token\n${token}`
    return DENY_KEY_PREFIX + sha256Base64url(id)
  }

  /** Denied as far as this process knows (no waiting): for tokens held verified in memory. */
  deniedHere(key: string): boolean {
    return this.#local.get(key) === true
  }

  /**
   * Denied, asking the shared store when this process does not know: for a token verified
   * afresh. A store that cannot answer is a 503 (never a pass).
   */
  denied(key: string): boolean | Promise<boolean> {
    if (this.deniedHere(key)) return true
    if (!this.#shared) return false
    const store = this.#store as CacheStore
    if (store.peek?.(key)?.active === false) return this.#learn(key)
    return store.get(key).then(
      (entry) => (entry?.active === false ? this.#learn(key) : false),
      (error: unknown) => {
        throw Object.assign(
          new AuthServerUnavailableError('The revocation list is unavailable', 1),
          { cause: error },
        )
      },
    )
  }

  /** Denies `key` here at once, then in the store (rejects when the store cannot record it). */
  async deny(key: string, ttlMs: number): Promise<void> {
    this.#local.set(key, true, { ttl: Math.max(this.#localTtlMs, ttlMs) })
    const store = this.#store
    if (!store) return
    if (store.deny) await store.deny(key, DENIED, ttlMs)
    else await store.set(key, DENIED, ttlMs)
  }

  #learn(key: string): true {
    this.#local.set(key, true, { ttl: this.#localTtlMs })
    return true
  }
}
