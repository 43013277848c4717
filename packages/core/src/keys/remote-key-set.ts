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
 *
 * With a {@link JwksStore}, a load other than an unknown `kid`'s refetch first asks the store
 * (see jwks-store.ts): a stored document goes through the same checks as a fetched one, and
 * keeps its age; every successful fetch is written to the store. Only this set's own fetches
 * make it current: a `kid` missing from a stored document is always looked up at the endpoint.
 */
import { explained } from '../errors/explanation.js'
import type { JSONWebKeySet, JWSHeaderParameters, CryptoKey } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import { CachedResource, type Recalled } from '../http/cached-resource.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import { fetchJson, observed, UpstreamError, type FetchJsonOptions } from '../http/fetch-json.js'
import { isUpstreamFailure } from '../http/is-upstream-failure.js'
import { safeUrl } from '../http/safe-url.js'
import { utf8Encode } from '../platform/utf8.js'
import { withinStoreTimeout } from '../platform/within-store-timeout.js'
import type { JwksStore } from './jwks-store.js'
import type { KeySource } from './key-source.js'
import { isJwkSet, localKeySet, type KeySelector } from './local-key-set.js'

/**
 * Ms a stored document's `fetchedAt` may lie ahead of this clock (another machine's): it then
 * counts as fetched now. Further ahead, the entry is garbage.
 */
const MAX_CLOCK_SKEW_MS = 60_000

/** A key set held: its selector, and its keys as JSON (to tell a rotation). */
interface Held {
  selector: KeySelector
  keys: string
}

/** A token's `kid` (and `alg`) against the kids the set holds, for the explainer. */
function noKeyMatches(header: JWSHeaderParameters, held: Held, uri: string): InvalidTokenError {
  return explained(new InvalidTokenError('No key matches the token'), () => ({
    check: 'kid',
    expected: (JSON.parse(held.keys) as Array<{ kid?: unknown; alg?: unknown }>).map((key) =>
      key.alg === undefined ? key.kid : `${String(key.kid)} (${String(key.alg)})`,
    ),
    actual: header.alg === undefined ? header.kid : `${String(header.kid)} (${header.alg})`,
    note: `kids of the JWKS at ${uri ? safeUrl(uri) : 'the key set'}`,
  }))
}

/** The key set of a JWKS document, fetched or stored; undefined when it is not usable. */
function heldOf(doc: JSONWebKeySet): Held | undefined {
  try {
    return { selector: localKeySet(doc), keys: JSON.stringify(doc.keys) }
  } catch {
    return undefined
  }
}

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
  /** A store shared with other processes, and this set's key in it (see jwks-store.ts). */
  store?: { store: JwksStore; key: string }
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
  readonly #set: CachedResource<Held>
  readonly #cooldown: number
  readonly #now: () => number
  readonly #maxBytes: number
  #generation = 0
  #lastKeys: string | undefined
  /** When this set last fetched its JWKS successfully (ms); a stored document does not count. */
  #fetchedAt = Number.NEGATIVE_INFINITY
  /** The endpoint last fetched (discovered URIs are known once fetched), for telemetry. */
  #uri = ''

  constructor(jwksUri: () => Promise<string>, options: RemoteKeySetOptions) {
    this.#cooldown = options.cooldown
    this.#now = options.now ?? Date.now
    this.#maxBytes = options.http.maxBytes
    // stored entries are taken while younger than maxAge, and as a fallback until staleWindow
    const ttlMs = Math.max(options.maxAge, options.staleWindow)
    const store = ttlMs > 0 ? options.store : undefined
    this.#set = new CachedResource<Held>(
      async () => {
        const uri = (this.#uri = await jwksUri())
        const { body, held } = await observed(options.http, 'jwks', uri, 'GET', async () => {
          const { body } = await fetchJson(uri, options.http)
          const held = isJwkSet(body) && heldOf(body)
          if (!held) throw new UpstreamError('invalid_document', uri)
          return { body, held }
        })
        const fetchedAt = (this.#fetchedAt = this.#now())
        if (store) {
          const entry = { jwks: body, fetchedAt }
          await withinStoreTimeout(() => store.store.set(store.key, entry, ttlMs))
        }
        return held
      },
      {
        maxAge: options.maxAge,
        staleAfter: options.staleWindow,
        breaker: { onChange: (state) => options.http.observer?.circuit('jwks', this.#uri, state) },
        // a discovery failure while finding the JWKS is the discovery document's, not the JWKS's
        isFailure: isUpstreamFailure,
        now: this.#now,
        recall:
          store &&
          (async () => this.#recalled(await withinStoreTimeout(() => store.store.get(store.key)))),
        onValue: (held) => {
          if (this.#lastKeys !== undefined && held.keys !== this.#lastKeys) this.#generation++
          this.#lastKeys = held.keys
        },
      },
    )
  }

  /**
   * The key set of a stored entry, checked as a fetched document is: its JSON (what a fetch
   * could have answered, within the same size cap) parsed afresh, then the same checks. An
   * entry that is not one — not an object, no usable `fetchedAt`, a document no fetch could
   * have brought — is undefined (a miss).
   */
  #recalled(entry: unknown): Recalled<Held> | undefined {
    if (typeof entry !== 'object' || entry === null) return undefined
    const { jwks, fetchedAt } = entry as { jwks?: unknown; fetchedAt?: unknown }
    if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt)) return undefined
    if (fetchedAt > this.#now() + MAX_CLOCK_SKEW_MS) return undefined
    let doc: unknown
    try {
      const text: unknown = JSON.stringify(jwks)
      if (typeof text !== 'string' || utf8Encode(text).length > this.#maxBytes) return undefined
      doc = JSON.parse(text)
    } catch {
      return undefined
    }
    const held = isJwkSet(doc) ? heldOf(doc) : undefined
    return held && { value: held, loadedAt: fetchedAt }
  }

  get generation(): number {
    return this.#generation
  }

  usable(): boolean {
    return this.#set.touch()
  }

  keysForNow(header: JWSHeaderParameters): CryptoKey[] | undefined {
    return this.#set.peek()?.selector.selectNow(header)
  }

  async keysFor(header: JWSHeaderParameters): Promise<CryptoKey[]> {
    const known = await unavailableOnFailure(this.#set.get())
    const keys = await known.selector.select(header)
    if (keys) return keys
    if (this.#current()) throw noKeyMatches(header, known, this.#uri)
    const refreshed = await unavailableOnFailure(this.#set.reload({ fresh: true }))
    const retried = await refreshed.selector.select(header)
    if (retried) return retried
    throw noKeyMatches(header, refreshed, this.#uri)
  }

  /**
   * Whether a `kid` missing from the set is known not to exist: this set fetched it
   * successfully less than `cooldown` ago, and no fetch has failed since.
   */
  #current(): boolean {
    const fetchedAt = this.#fetchedAt
    return this.#set.failedAt < fetchedAt && this.#now() - fetchedAt < this.#cooldown
  }

  async warm(): Promise<void> {
    await unavailableOnFailure(this.#set.get())
  }
}
