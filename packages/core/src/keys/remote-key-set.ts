/**
 * A remote JWKS kept in memory: fetched once (single flight), refreshed in the background
 * after `maxAge`, still used for `staleWindow` while its endpoint is down, and refetched for
 * an unknown `kid` at most once per `cooldown`, so a key rotated in at the authorization
 * server verifies within seconds while a flood of unknown `kid`s costs one fetch per cooldown.
 */
import type { JWSHeaderParameters, CryptoKey } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import { CachedResource } from '../http/cached-resource.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import { fetchJson, UpstreamError, type FetchJsonOptions } from '../http/fetch-json.js'
import type { KeySource } from './key-source.js'
import { isJwkSet, localKeySet, type KeySelector } from './local-key-set.js'

export interface RemoteKeySetOptions {
  http: FetchJsonOptions
  /** Ms between two unknown-`kid` refetches. */
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
        backoff: 500,
        maxBackoff: 10_000,
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

  async keysFor(header: JWSHeaderParameters): Promise<CryptoKey[]> {
    const known = await unavailableOnFailure(this.#set.get())
    const keys = await known(header)
    if (keys) return keys
    if (this.#now() - this.#set.lastAttemptAt < this.#cooldown) {
      throw new InvalidTokenError('No key matches the token')
    }
    const refreshed = await unavailableOnFailure(this.#set.reload())
    const retried = await refreshed(header)
    if (retried) return retried
    throw new InvalidTokenError('No key matches the token')
  }

  async warm(): Promise<void> {
    await unavailableOnFailure(this.#set.get())
  }
}
