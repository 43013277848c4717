/** Validates and resolves `introspection` and `tokenFormat` (the zod schema has checked shapes). */
import type { JWK } from 'jose'
import { MemoryCacheStore } from '../introspection/cache-store.js'
import type {
  ClientAuth,
  IntrospectionSettings,
  TokenFormat,
} from '../introspection/introspection-settings.js'
import { isHttpUrl } from '../http/is-http-url.js'
import type { IssuerSettings } from '../jwt/issuer-settings.js'
import type { GuardOptions, IntrospectionAuthMethod } from './guard-options.js'
import { GuardOptionError } from './option-error.js'

/**
 * @example
 * ```ts
 * const introspection = resolveIntrospection(options, issuers)
 * ```
 */
export function resolveIntrospection(
  o: GuardOptions,
  issuers: ReadonlyMap<string, IssuerSettings>,
): { introspection: IntrospectionSettings | undefined; tokenFormat: TokenFormat } {
  const i = o.introspection
  const tokenFormat = o.tokenFormat ?? (i ? 'auto' : 'jwt')
  if (!i) {
    if (tokenFormat !== 'jwt') {
      throw new GuardOptionError(
        'tokenFormat',
        `"${tokenFormat}" needs the "introspection" option to validate opaque tokens`,
      )
    }
    return { introspection: undefined, tokenFormat }
  }

  let issuer = i.issuer
  if (issuer === undefined) {
    if (issuers.size > 1) {
      throw new GuardOptionError(
        'introspection.issuer',
        'is required with several issuers: name the one whose introspection endpoint this is',
      )
    }
    issuer = [...issuers.keys()][0] as string
  } else if (!issuers.has(issuer)) {
    throw new GuardOptionError(
      'introspection.issuer',
      `"${issuer}" is not one of the configured issuers`,
    )
  }
  if (i.endpoint === undefined && !isHttpUrl(issuer)) {
    throw new GuardOptionError(
      'introspection.endpoint',
      `is required: the issuer "${issuer}" is not a URL, so the endpoint cannot be discovered`,
    )
  }

  const method: IntrospectionAuthMethod =
    i.authMethod ?? (i.privateKey ? 'private_key_jwt' : 'client_secret_basic')
  let auth: ClientAuth
  if (method === 'private_key_jwt') {
    if (!i.privateKey) {
      throw new GuardOptionError(
        'introspection.privateKey',
        'is required for private_key_jwt: give the private key (JWK, KeyObject or CryptoKey)',
      )
    }
    const jwk = isJwk(i.privateKey) ? i.privateKey : undefined
    if (jwk && jwk.d === undefined) {
      throw new GuardOptionError(
        'introspection.privateKey',
        'is a public key: private_key_jwt signs with the private key',
      )
    }
    auth = {
      method,
      clientId: i.clientId,
      privateKey: i.privateKey,
      alg: i.privateKeyAlg ?? jwk?.alg ?? 'RS256',
      kid: i.privateKeyId ?? jwk?.kid,
    }
  } else {
    if (!i.clientSecret) {
      throw new GuardOptionError(
        'introspection.clientSecret',
        `is required for ${method}: give the client secret, or a privateKey for private_key_jwt`,
      )
    }
    auth = { method, clientId: i.clientId, clientSecret: i.clientSecret }
  }

  if (i.signedResponses && issuers.get(issuer)?.keys.kind === 'secret') {
    throw new GuardOptionError(
      'introspection.signedResponses',
      "needs the issuer's public keys (jwksUri, keys or discovery), not a shared secret",
    )
  }

  const cache = i.cache ?? {}
  return {
    tokenFormat,
    introspection: {
      issuer,
      endpoint: i.endpoint,
      auth,
      signedResponses: i.signedResponses ?? false,
      requireAudience: i.requireAudience ?? false,
      timeoutMs: i.timeout ?? 3000,
      ttlMs: (cache.ttl ?? 60) * 1000,
      negativeTtlMs: (cache.negativeTtl ?? 5) * 1000,
      store: cache.store ?? new MemoryCacheStore({ max: cache.max ?? 10_000 }),
    },
  }
}

function isJwk(key: unknown): key is JWK {
  return (
    typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string'
  )
}
