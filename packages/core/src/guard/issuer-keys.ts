/** Builds the key source of each trusted issuer from its resolved options. */
import { AuthServerUnavailableError } from '../errors/auth-error.js'
import { CachedResource } from '../http/cached-resource.js'
import type { FetchJsonOptions } from '../http/fetch-json.js'
import { discover, type AuthorizationServerMetadata } from '../keys/discovery.js'
import type { KeySource } from '../keys/key-source.js'
import { RemoteKeySet, unavailableOnFailure } from '../keys/remote-key-set.js'
import { SecretKeySource, StaticKeySet } from '../keys/static-key-sources.js'
import type { ResolvedIssuer, ResolvedOptions } from '../options/resolve-options.js'

/** Metadata is refreshed hourly in the background, and used for a day while unreachable. */
const METADATA_MAX_AGE = 3_600_000
const METADATA_STALE_AFTER = 86_400_000

/** The HTTP settings every call to an authorization server uses. */
export function httpOptions(options: ResolvedOptions): FetchJsonOptions {
  return { fetch: options.fetch, timeout: options.timeoutMs, maxBytes: options.maxResponseSize }
}

/**
 * A discovered metadata document for `issuer`, shared by everything that needs it
 * (JWKS location now, introspection endpoint later).
 */
export function metadataResource(
  issuer: string,
  http: FetchJsonOptions,
): CachedResource<AuthorizationServerMetadata> {
  return new CachedResource(() => discover(issuer, http), {
    maxAge: METADATA_MAX_AGE,
    staleAfter: METADATA_STALE_AFTER,
    backoff: 500,
    maxBackoff: 10_000,
  })
}

/**
 * @example
 * ```ts
 * const keys = keySourceFor(resolved.issuers.get(iss)!, resolved)
 * ```
 */
export function keySourceFor(issuer: ResolvedIssuer, options: ResolvedOptions): KeySource {
  const spec = issuer.keys
  switch (spec.kind) {
    case 'secret':
      return new SecretKeySource(spec.secret)
    case 'static':
      return new StaticKeySet(spec.jwks)
    case 'jwks':
    case 'discovery': {
      const http = httpOptions(options)
      let jwksUri: () => Promise<string>
      if (spec.kind === 'jwks') {
        const uri = spec.uri
        jwksUri = async () => uri
      } else {
        const metadata = metadataResource(issuer.issuer, http)
        jwksUri = async () => {
          const doc = await unavailableOnFailure(metadata.get())
          if (typeof doc.jwks_uri !== 'string') {
            throw new AuthServerUnavailableError('The authorization server publishes no keys', 30)
          }
          return doc.jwks_uri
        }
      }
      return new RemoteKeySet(jwksUri, {
        http,
        cooldown: options.jwksCooldownMs,
        maxAge: options.jwksCacheMaxAgeMs,
        staleWindow: options.jwksStaleWindowMs,
      })
    }
  }
}
