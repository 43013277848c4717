/**
 * A remote JWKS kept in memory: fetched once (single flight), refreshed in the background
 * after `maxAge`, still used for `staleWindow` while its endpoint is down, and refetched for
 * an unknown `kid` unless the set is current — fetched successfully less than `cooldown` ago,
 * with no failed fetch since — so a key rotated in at the authorization server verifies
 * within seconds while a flood of unknown `kid`s costs one fetch per cooldown.
 *
 * A `kid` is answered "No key matches the token" (401) only when it is missing from a current
 * set. When the set could not be fetched — the endpoint failed, or its circuit breaker pauses
 * it after several failures — the token cannot be checked: a 503, never a 401. A failed fetch
 * starts no cooldown (it ends one: while the endpoint fails, the set may be missing a key
 * rotated in meanwhile), and the breaker, not the cooldown, bounds the fetches during an
 * outage; the first fetch that succeeds once the server is back brings the rotated-in key.
 */
import type { JWSHeaderParameters, CryptoKey } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import { CachedResource } from '../http/cached-resource.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import { fetchJson, UpstreamError, type FetchJsonOptions } from '../http/fetch-json.js'
import { isUpstreamFailure } from '../http/is-upstream-failure.js'
import type { KeySource } from './key-source.js'
import { isJwkSet, localKeySet, type KeySelector } from './local-key-set.js'

/**
 * Settings of a {@link RemoteKeySet}.
 *
 * @example
 * ```ts
 * const options: RemoteKeySetOptions = { http, cooldown: 3_000, maxAge: 600_000, staleWindow: 3_600_000 }
 * ```
 */
export interface RemoteKeySetOptions {
  http: FetchJsonOptions
  /** Ms after a successful fetch during which an unknown `kid` does not cause another. */
  cooldown: number
  /** Ms after which the set is refreshed in the background. */
  maxAge: number
  /** Ms a set keeps verifying while its endpoint cannot be reached. */
  staleWindow: number
  now?: () => number
}

/**
 * @example
 * ```ts
 * const keys = new RemoteKeySet(async () => 'https://as.example.com/jwks', options)
 * const candidates = await keys.keysFor({ alg: 'RS256', kid: 'k1' })
 * ```
 */
export class RemoteKeySet implements KeySource {
  readonly #set: CachedResource<KeySelector>
  readonly #cooldown: number
  readonly #now: () => number
  #generation = 0
  #lastKeys: string | undefined

  constructor(jwksUri: () => Promise<string>, options: RemoteKeySetOptions) {
    this.#cooldown = options.cooldown
    this.#now = options.now ?? Date.now
    this.#set = new CachedResource(
      async () => {
        const uri = await jwksUri()
        const { body } = await fetchJson(uri, options.http)
        if (!isJwkSet(body)) throw new UpstreamError('invalid_document', uri)
        let selector: KeySelector
        try {
          selector = localKeySet(body)
        } catch {
          throw new UpstreamError('invalid_document', uri)
        }
        const keys = JSON.stringify(body.keys)
        if (this.#lastKeys !== undefined && keys !== this.#lastKeys) this.#generation++
        this.#lastKeys = keys
        return selector
      },
      {
        maxAge: options.maxAge,
        staleAfter: options.staleWindow,
        // a discovery failure while finding the JWKS is the discovery document's, not the JWKS's
        isFailure: isUpstreamFailure,
        now: this.#now,
      },
    )
  }

  get generation(): number {
    return this.#generation
  }

  usable(): boolean {
    return this.#set.touch()
  }

  keysForNow(header: JWSHeaderParameters): CryptoKey[] | undefined {
    return this.#set.peek()?.selectNow(header)
  }

  async keysFor(header: JWSHeaderParameters): Promise<CryptoKey[]> {
    const known = await unavailableOnFailure(this.#set.get())
    const keys = await known.select(header)
    if (keys) return keys
    if (this.#current()) throw new InvalidTokenError('No key matches the token')
    const refreshed = await unavailableOnFailure(this.#set.reload())
    const retried = await refreshed.select(header)
    if (retried) return retried
    throw new InvalidTokenError('No key matches the token')
  }

  /**
   * Whether a `kid` missing from the set is known not to exist: the set was fetched
   * successfully less than `cooldown` ago, and no fetch has failed since.
   */
  #current(): boolean {
    const { loadedAt, failedAt } = this.#set
    return failedAt < loadedAt && this.#now() - loadedAt < this.#cooldown
  }

  async warm(): Promise<void> {
    await unavailableOnFailure(this.#set.get())
  }
}
