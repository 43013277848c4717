/** Key sources that need no network: static public JWKs, and a shared HMAC secret. */
import type { JSONWebKeySet, JWSHeaderParameters, CryptoKey } from 'jose'
import { InvalidTokenError } from '../errors/auth-error.js'
import type { KeySource } from './key-source.js'
import { localKeySet, type KeySelector } from './local-key-set.js'

/**
 * Static public keys given in the options.
 *
 * @example
 * ```ts
 * const source = new StaticKeySet({ keys: [publicJwk] })
 * ```
 */
export class StaticKeySet implements KeySource {
  readonly #select: KeySelector

  constructor(jwks: JSONWebKeySet) {
    this.#select = localKeySet(jwks)
  }

  keysForNow(header: JWSHeaderParameters): CryptoKey[] | undefined {
    return this.#select.selectNow(header)
  }

  async keysFor(header: JWSHeaderParameters): Promise<CryptoKey[]> {
    const keys = await this.#select.select(header)
    if (!keys) throw new InvalidTokenError('No key matches the token')
    return keys
  }

  async warm(): Promise<void> {}

  readonly generation = 0

  usable(): boolean {
    return true
  }
}

/**
 * A shared secret for HS256/384/512. The verifier admits HS* algorithms only for an issuer
 * that has one, so a public key can never be used as an HMAC secret.
 *
 * @example
 * ```ts
 * const source = new SecretKeySource(new TextEncoder().encode(process.env.JWT_SECRET))
 * ```
 */
export class SecretKeySource implements KeySource {
  readonly #secret: Uint8Array

  constructor(secret: Uint8Array) {
    this.#secret = secret
  }

  keysForNow(_header: JWSHeaderParameters): Uint8Array[] {
    return [this.#secret]
  }

  async keysFor(_header: JWSHeaderParameters): Promise<Uint8Array[]> {
    return [this.#secret]
  }

  async warm(): Promise<void> {}

  readonly generation = 0

  usable(): boolean {
    return true
  }
}
