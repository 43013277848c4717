/**
 * Server-provided DPoP nonces (RFC 9449 §9), stateless: a nonce is a time step and an HMAC of
 * it under a secret, so every instance that shares the secret issues and accepts the same
 * nonces without sharing any state. A nonce is accepted during its own step and the next one,
 * i.e. for between one and two `lifetime`s; the secret list allows rotating secrets (the first
 * signs, all verify).
 */
import { base64urlDecode, base64urlEncode } from '../platform/base64.js'
import { hmacSha256 } from '../platform/hmac-sha256.js'
import { randomBytes } from '../platform/random-bytes.js'
import { timingSafeEqual } from '../platform/timing-safe-equal.js'

const STEP_BYTES = 6
const MAC_BYTES = 16
/** A nonce: the step and the MAC, 22 bytes, in base64url (30 characters). */
const NONCE = /^[A-Za-z0-9_-]{30}$/

/**
 * How {@link DpopNonces} makes and checks nonces.
 *
 * @example
 * ```ts
 * const options: DpopNonceOptions = { secrets: [newSecret, oldSecret], lifetime: 300 }
 * ```
 */
export interface DpopNonceOptions {
  /**
   * Secrets (≥ 32 bytes each); the first signs new nonces, every one is accepted. `'random'`:
   * one random secret of this instance, made when it is first needed (Workers refuse random
   * values at global scope, where a guard is often created).
   */
  secrets: readonly Uint8Array[] | 'random'
  /** Seconds per time step. */
  lifetime: number
}

/**
 * @example
 * ```ts
 * const nonces = new DpopNonces({ secrets: [secret], lifetime: 300 })
 * const nonce = nonces.current(Date.now())
 * nonces.accepts(nonce, Date.now()) // true
 * ```
 */
export class DpopNonces {
  #secrets: readonly Uint8Array[] | 'random'
  readonly #lifetimeMs: number
  #cached: { step: number; nonce: string } | undefined

  constructor(options: DpopNonceOptions) {
    this.#secrets = options.secrets
    this.#lifetimeMs = options.lifetime * 1000
  }

  /** A random secret, for a single instance that was given none. */
  static randomSecret(): Uint8Array {
    return randomBytes(32)
  }

  /** The nonce of the current time step. */
  current(nowMs: number): string {
    const step = this.#step(nowMs)
    if (this.#cached?.step !== step) {
      this.#cached = { step, nonce: this.#make(step, this.#keys()[0] as Uint8Array) }
    }
    return this.#cached.nonce
  }

  /** Whether `nonce` was issued by a holder of one of the secrets in this step or the last one. */
  accepts(nonce: unknown, nowMs: number): boolean {
    if (typeof nonce !== 'string' || !NONCE.test(nonce)) return false
    const raw = base64urlDecode(nonce)
    // one spelling per nonce: the bits past the last byte must be zero
    if (raw.length !== STEP_BYTES + MAC_BYTES || base64urlEncode(raw) !== nonce) return false
    let step = 0
    for (let i = 0; i < STEP_BYTES; i++) step = step * 256 + (raw[i] as number)
    const now = this.#step(nowMs)
    if (step !== now && step !== now - 1) return false
    const mac = raw.subarray(STEP_BYTES)
    return this.#keys().some((secret) => timingSafeEqual(mac, this.#mac(step, secret)))
  }

  #keys(): readonly Uint8Array[] {
    if (this.#secrets === 'random') this.#secrets = [DpopNonces.randomSecret()]
    return this.#secrets
  }

  #step(nowMs: number): number {
    return Math.floor(nowMs / this.#lifetimeMs)
  }

  #make(step: number, secret: Uint8Array): string {
    const raw = new Uint8Array(STEP_BYTES + MAC_BYTES)
    for (let i = STEP_BYTES - 1, rest = step; i >= 0; i--, rest = Math.floor(rest / 256)) {
      raw[i] = rest % 256 // big-endian, as Buffer's writeUIntBE wrote it
    }
    raw.set(this.#mac(step, secret), STEP_BYTES)
    return base64urlEncode(raw)
  }

  #mac(step: number, secret: Uint8Array): Uint8Array {
    return hmacSha256(secret, `bearerguard dpop nonce ${step}`).subarray(0, MAC_BYTES)
  }
}
