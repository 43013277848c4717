/**
 * The revocation broadcast. Every store subscribes, on a connection of its own, to one pub/sub
 * channel; `delete(key)` and `deny(key)` publish the key there and every subscriber evicts it
 * from its memory layer and tells its guards (`onRevoked`). Pub/sub does not replay what was
 * published while a subscriber was disconnected, so a subscriber that lost its connection clears
 * its whole memory layer (and tells its guards) when it subscribes again.
 *
 * SUBSCRIBE is sent on every 'ready' of the subscriber connection and its answer is waited for
 * as long as that connection lives (see `duplicateSubscriber`): a slow answer still subscribes.
 * A SUBSCRIBE refused on a connection that stays up is tried again with the reconnection
 * backoff, so the channel never waits for a reconnection that may not come.
 */
import type { Redis } from 'ioredis'
import { quitConnection, reconnectDelay } from './connection.js'

/** What a subscriber does with the broadcast. */
export interface RevocationHandlers {
  /** A key deleted or denied on some instance. */
  revoked(key: string): void
  /** Keys may have been missed (the subscription was lost and is back). */
  missed(): void
}

/**
 * A subscription to revoked keys.
 *
 * @example
 * ```ts
 * const revocations = new RevocationChannel(duplicateSubscriber(redis, 200), 'bearerguard:revocations', {
 *   revoked: (key) => memory.delete(key),
 *   missed: () => memory.clear(),
 * })
 * await revocations.close(200)
 * ```
 */
export class RevocationChannel {
  readonly #subscriber: Redis
  readonly #channel: string
  readonly #handlers: RevocationHandlers
  #subscribed = false
  #everSubscribed = false
  #closed = false
  /** The SUBSCRIBE waiting for its answer, if any. */
  #pending: Promise<void> | undefined
  /** Failed attempts on the current connection, for the retry backoff. */
  #failures = 0
  #retry: NodeJS.Timeout | undefined

  constructor(subscriber: Redis, channel: string, handlers: RevocationHandlers) {
    this.#subscriber = subscriber
    this.#channel = channel
    this.#handlers = handlers
    // Errors are reported once by the command connection's Reachability; here they only need
    // a listener so that ioredis does not print them.
    subscriber.on('error', () => undefined)
    subscriber.on('ready', () => this.#subscribe())
    subscriber.on('close', () => {
      this.#subscribed = false
      this.#failures = 0
      this.#cancelRetry() // the next 'ready' subscribes
    })
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.#channel) this.#handlers.revoked(key)
    })
    if (subscriber.status === 'ready') this.#subscribe()
  }

  /** Whether revocations are being received now. */
  get subscribed(): boolean {
    return this.#subscribed
  }

  /** Unsubscribes and ends the connection. Never rejects. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true
    this.#subscribed = false
    this.#cancelRetry()
    await quitConnection(this.#subscriber, timeoutMs)
  }

  #subscribe(): void {
    if (this.#closed || this.#pending) return
    this.#cancelRetry()
    this.#pending = this.#attempt().finally(() => {
      this.#pending = undefined
    })
  }

  async #attempt(): Promise<void> {
    try {
      await this.#subscriber.subscribe(this.#channel)
    } catch {
      // The connection dropped (the next 'ready' subscribes again), or Redis refused while the
      // connection stays up: then no 'ready' will come, so try again after a while.
      if (!this.#closed && this.#subscriber.status === 'ready') {
        this.#failures += 1
        this.#retry = setTimeout(() => this.#subscribe(), reconnectDelay(this.#failures))
        this.#retry.unref()
      }
      return
    }
    if (this.#closed || this.#subscriber.status !== 'ready') return
    // Revocations published while this instance was not subscribed were missed.
    if (this.#everSubscribed) this.#handlers.missed()
    this.#everSubscribed = true
    this.#subscribed = true
    this.#failures = 0
  }

  #cancelRetry(): void {
    clearTimeout(this.#retry)
    this.#retry = undefined
  }
}
