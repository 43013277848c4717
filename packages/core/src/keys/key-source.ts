/**
 * Where one issuer's verification keys come from: a shared secret, static JWKs, or a remote
 * JWKS (configured or discovered). Key selection by `kid`/`alg`/`use`/`key_ops` is jose's
 * (`createLocalJWKSet`); this module only decides which set to ask.
 */
import type { JWSHeaderParameters, CryptoKey } from 'jose'

/** Resolves the candidate keys for a token's protected header. */
export interface KeySource {
  /**
   * Candidate keys for the header (several only when the set holds more than one usable key
   * for it). Throws `InvalidTokenError` when no key matches, `AuthServerUnavailableError`
   * when the keys cannot be had.
   */
  keysFor(header: JWSHeaderParameters): Promise<Array<CryptoKey | Uint8Array>>
  /**
   * Without waiting: the candidate keys when they are at hand (the set is held and usable, and
   * this kid and alg were selected before), else undefined — then `keysFor` decides.
   */
  keysForNow(header: JWSHeaderParameters): Array<CryptoKey | Uint8Array> | undefined
  /** Loads what can be loaded ahead of the first request. */
  warm(): Promise<void>
  /**
   * Changes whenever the set of keys changes (a rotation at the authorization server), so
   * results verified with the old set can be told apart and dropped.
   */
  readonly generation: number
  /**
   * Without waiting: whether results verified with the current keys may still be served
   * (false once remote keys are older than their stale window); starts a background refresh
   * when the keys are due for one, so rotations are noticed even when every request is a hit.
   */
  usable(): boolean
}

/** The most candidate keys tried for one token (duplicate `kid`s, or no `kid` at all). */
export const MAX_CANDIDATE_KEYS = 4
