/**
 * Follows a connection's state and logs each change once: one warning when Redis becomes
 * unreachable (however many reconnection attempts and failed calls follow), one line when it is
 * back. Log lines name `host:port`, never the URL, which may hold a password.
 */
import type { Redis } from 'ioredis'
import { describeServer } from './connection.js'
import type { RedisStoreLogger } from './options.js'

/**
 * The reachability of one Redis connection, logged on change.
 *
 * @example
 * ```ts
 * const reachability = new Reachability(redis, console)
 * reachability.up // true once connected
 * reachability.stop() // removes its listeners
 * ```
 */
export class Reachability {
  readonly #client: Redis
  readonly #logger: RedisStoreLogger
  #state: 'unknown' | 'up' | 'down'
  #lastError: string | undefined
  readonly #onReady = () => this.#ready()
  readonly #onError = (err: unknown) => {
    this.#lastError = err instanceof Error ? err.message : String(err)
  }
  readonly #onClose = () => this.#down()

  constructor(client: Redis, logger: RedisStoreLogger) {
    this.#client = client
    this.#logger = logger
    this.#state = client.status === 'ready' ? 'up' : 'unknown'
    client.on('ready', this.#onReady)
    client.on('error', this.#onError)
    client.on('close', this.#onClose)
  }

  /** Whether the connection is ready for commands. */
  get up(): boolean {
    return this.#client.status === 'ready'
  }

  /** Stops following the connection. */
  stop(): void {
    this.#client.off('ready', this.#onReady)
    this.#client.off('error', this.#onError)
    this.#client.off('close', this.#onClose)
  }

  #ready(): void {
    if (this.#state === 'down') {
      const message = `bearerguard/redis: Redis at ${describeServer(this.#client)} is reachable again; the shared introspection cache is back`
      if (this.#logger.info) this.#logger.info(message)
      else this.#logger.warn(message)
    }
    this.#state = 'up'
    this.#lastError = undefined
  }

  #down(): void {
    if (this.#state === 'down') return
    const never = this.#state === 'unknown'
    this.#state = 'down'
    const why = this.#lastError ? ` (${this.#lastError})` : ''
    this.#logger.warn(
      `bearerguard/redis: Redis at ${describeServer(this.#client)} is unreachable${why}` +
        `${never ? ' since start-up' : ''}; introspection results are served from the memory ` +
        'layer or introspected again until it is back. Reconnecting in the background.',
    )
  }
}
