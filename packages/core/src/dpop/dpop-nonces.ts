/**
 * Server-provided DPoP nonces (RFC 9449 §9), stateless: a nonce is a time step and an HMAC of
 * it under a secret, so every instance that shares the secret issues and accepts the same
 * nonces without sharing any state. A nonce is accepted during its own step and the next one,
 * i.e. for between one and two `lifetime`s; the secret list allows rotating secrets (the first
 * signs, all verify).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const STEP_BYTES = 6
const MAC_BYTES = 16

/**
 * How {@link DpopNonces} makes and checks nonces.
 *
 * @example
 * ```ts
 * const options: DpopNonceOptions = { secrets: [newSecret, oldSecret], lifetime: 300 }
 * ```
 */
export interface DpopNonceOptions {
  /** Secrets (≥ 32 bytes each); the first signs new nonces, every one is accepted. */
  secrets: readonly Uint8Array[]
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
  readonly #secrets: readonly Uint8Array[]
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
      this.#cached = { step, nonce: this.#make(step, this.#secrets[0] as Uint8Array) }
    }
    return this.#cached.nonce
  }

  /** Whether `nonce` was issued by a holder of one of the secrets in this step or the last one. */
  accepts(nonce: unknown, nowMs: number): boolean {
    if (typeof nonce !== 'string' || nonce.length > 64) return false
    const raw = Buffer.from(nonce, 'base64url')
    if (raw.length !== STEP_BYTES + MAC_BYTES || raw.toString('base64url') !== nonce) return false
    const step = raw.readUIntBE(0, STEP_BYTES)
    const now = this.#step(nowMs)
    if (step !== now && step !== now - 1) return false
    const mac = raw.subarray(STEP_BYTES)
    return this.#secrets.some((secret) => timingSafeEqual(mac, this.#mac(step, secret)))
  }

  #step(nowMs: number): number {
    return Math.floor(nowMs / this.#lifetimeMs)
  }

  #make(step: number, secret: Uint8Array): string {
    const head = Buffer.alloc(STEP_BYTES)
    head.writeUIntBE(step, 0, STEP_BYTES)
    return Buffer.concat([head, this.#mac(step, secret)]).toString('base64url')
  }

  #mac(step: number, secret: Uint8Array): Buffer {
    return createHmac('sha256', secret)
      .update(`bearerguard dpop nonce ${step}`)
      .digest()
      .subarray(0, MAC_BYTES)
  }
}
