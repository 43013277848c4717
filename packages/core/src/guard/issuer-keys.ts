/**
 * Builds what each trusted issuer needs at run time: its key source, and one shared discovery
 * document (JWKS location, introspection endpoint) fetched only if something needs it.
 */
import { AuthServerUnavailableError } from '../errors/auth-error.js'
import { CachedResource } from '../http/cached-resource.js'
import type { FetchJsonOptions } from '../http/fetch-json.js'
import { isHttpUrl } from '../http/is-http-url.js'
import { isUpstreamFailure } from '../http/is-upstream-failure.js'
import { discover, type AuthorizationServerMetadata } from '../keys/discovery.js'
import type { KeySource } from '../keys/key-source.js'
import { unavailableOnFailure } from '../http/unavailable-on-failure.js'
import { jwksStoreKey } from '../keys/jwks-store.js'
import { RemoteKeySet } from '../keys/remote-key-set.js'
import { SecretKeySource, StaticKeySet } from '../keys/static-key-sources.js'
import type { IssuerSettings } from '../jwt/issuer-settings.js'
import type { KeyCacheSettings } from '../keys/key-spec.js'

/** Metadata is refreshed hourly in the background, and used for a day while unreachable. */
const METADATA_MAX_AGE = 3_600_000
const METADATA_STALE_AFTER = 86_400_000

/**
 * One lazily fetched discovery document per issuer, shared by everything that needs it, with
 * its own circuit breaker.
 *
 * @example
 * ```ts
 * const discovery = new IssuerDiscovery(http)
 * const endpoint = await discovery.endpoint('https://as.example.com', 'introspection_endpoint')
 * ```
 */
export class IssuerDiscovery {
  readonly #http: FetchJsonOptions
  readonly #documents = new Map<string, CachedResource<AuthorizationServerMetadata>>()

  constructor(http: FetchJsonOptions) {
    this.#http = http
  }

  /** An endpoint URL from `issuer`'s metadata; 503 when it cannot be had. */
  async endpoint(issuer: string, field: 'jwks_uri' | 'introspection_endpoint'): Promise<string> {
    let document = this.#documents.get(issuer)
    if (!document) {
      const http = this.#http
      document = new CachedResource(() => discover(issuer, http), {
        maxAge: METADATA_MAX_AGE,
        staleAfter: METADATA_STALE_AFTER,
        isFailure: isUpstreamFailure,
        breaker: { onChange: (state) => http.observer?.circuit('discovery', issuer, state) },
      })
      this.#documents.set(issuer, document)
    }
    const metadata = await unavailableOnFailure(document.get())
    const value = metadata[field]
    if (!isHttpUrl(value)) {
      throw new AuthServerUnavailableError(`The authorization server publishes no ${field}`, 30)
    }
    return value
  }
}

/**
 * @example
 * ```ts
 * const keys = keySourceFor(settings.issuers.get(iss)!, settings.keys, settings.http, discovery)
 * ```
 */
export function keySourceFor(
  issuer: IssuerSettings,
  keys: KeyCacheSettings,
  http: FetchJsonOptions,
  discovery: IssuerDiscovery,
): KeySource {
  const spec = issuer.keys
  switch (spec.kind) {
    case 'secret':
      return new SecretKeySource(spec.secret)
    case 'static':
      return new StaticKeySet(spec.jwks)
    case 'jwks':
    case 'discovery': {
      const uri = spec.kind === 'jwks' ? spec.uri : undefined
      // a discovered set is stored under its issuer, so a new process need not discover first
      const storeKey = () => jwksStoreKey(uri ? { jwksUri: uri } : { issuer: issuer.issuer })
      return new RemoteKeySet(async () => uri ?? discovery.endpoint(issuer.issuer, 'jwks_uri'), {
        http,
        cooldown: keys.cooldownMs,
        maxAge: keys.maxAgeMs,
        staleWindow: keys.staleWindowMs,
        store: keys.store && { store: keys.store, key: storeKey() },
      })
    }
  }
}
