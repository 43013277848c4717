/**
 * The revocation broadcast. Every store subscribes, on a connection of its own, to one pub/sub
 * channel; `delete(key)` publishes the key there and every subscriber evicts it from its memory
 * layer. Pub/sub does not replay what was published while a subscriber was disconnected, so a
 * subscriber that lost its connection clears its whole memory layer when it subscribes again.
 */
import type { Redis } from 'ioredis'
import { quitConnection } from './connection.js'
import type { MemoryLayer } from './memory-layer.js'

/**
 * A subscription that evicts revoked keys from a memory layer.
 *
 * @example
 * ```ts
 * const revocations = new RevocationChannel(duplicateFailFast(redis, 200), 'bearerguard:revocations', memory)
 * await revocations.close(200)
 * ```
 */
export class RevocationChannel {
  readonly #subscriber: Redis
  readonly #channel: string
  readonly #memory: MemoryLayer
  #subscribed = false
  #everSubscribed = false
  #closed = false

  constructor(subscriber: Redis, channel: string, memory: MemoryLayer) {
    this.#subscriber = subscriber
    this.#channel = channel
    this.#memory = memory
    // Errors are reported once by the command connection's Reachability; here they only need
    // a listener so that ioredis does not print them.
    subscriber.on('error', () => undefined)
    subscriber.on('ready', () => void this.#subscribe())
    subscriber.on('close', () => {
      this.#subscribed = false
    })
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.#channel) this.#memory.delete(key)
    })
    if (subscriber.status === 'ready') void this.#subscribe()
  }

  /** Whether revocations are being received now. */
  get subscribed(): boolean {
    return this.#subscribed
  }

  /** Unsubscribes and ends the connection. Never rejects. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true
    this.#subscribed = false
    await quitConnection(this.#subscriber, timeoutMs)
  }

  async #subscribe(): Promise<void> {
    try {
      await this.#subscriber.subscribe(this.#channel)
    } catch {
      return // the connection dropped again; the next 'ready' retries
    }
    if (this.#closed || this.#subscriber.status !== 'ready') return
    // Revocations published while this instance was not subscribed were missed.
    if (this.#everSubscribed) this.#memory.clear()
    this.#everSubscribed = true
    this.#subscribed = true
  }
}
