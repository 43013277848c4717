/**
 * The ioredis settings that make a connection fail fast: no offline queue (a command sent while
 * disconnected rejects at once), a short command and connect timeout, a connection that stops
 * answering is dropped, in-flight commands are rejected as soon as the connection drops, and
 * reconnection with backoff goes on forever.
 */
import { Redis, type RedisOptions } from 'ioredis'

/**
 * Longest wait between two reconnection attempts, in milliseconds.
 *
 * @example
 * ```ts
 * reconnectDelay(100) < MAX_RECONNECT_DELAY + 100 // true
 * ```
 */
export const MAX_RECONNECT_DELAY = 2_000

/**
 * Milliseconds to wait before reconnection attempt `attempt` (1-based): 50, 100, 200, … capped at
 * {@link MAX_RECONNECT_DELAY}, plus up to 100 ms of jitter so many instances do not reconnect in
 * step. Never gives up.
 *
 * @example
 * ```ts
 * reconnectDelay(1) // 50..150
 * reconnectDelay(20) // 2000..2100
 * ```
 */
export function reconnectDelay(attempt: number): number {
  const backoff = Math.min(50 * 2 ** Math.min(Math.max(attempt - 1, 0), 16), MAX_RECONNECT_DELAY)
  return backoff + Math.floor(Math.random() * 100)
}

/**
 * The ioredis options of a fail-fast connection.
 *
 * @example
 * ```ts
 * const redis = new Redis('redis://127.0.0.1:6379', failFastOptions(200))
 * ```
 */
export function failFastOptions(commandTimeout: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout,
    // Connecting never delays a request (requests fail at once while disconnected), so a slow
    // TLS handshake may take longer than one command.
    connectTimeout: Math.max(commandTimeout, 1_000),
    // A server that accepts commands but stops answering (hung, paused, half-open link) is
    // dropped after a few timeouts' worth of silence, so calls fail at once instead of each
    // waiting commandTimeout, and the reconnection loop takes over.
    socketTimeout: Math.max(commandTimeout * 5, 1_000),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    retryStrategy: reconnectDelay,
  }
}

/**
 * A new fail-fast connection to `url`; it connects at once and reconnects by itself.
 *
 * @example
 * ```ts
 * const redis = connectFailFast('redis://127.0.0.1:6379', 200)
 * ```
 */
export function connectFailFast(url: string, commandTimeout: number): Redis {
  return new Redis(url, failFastOptions(commandTimeout))
}

/**
 * A connection for pub/sub to the same server as `client` (with its credentials, database and
 * TLS settings): fail-fast like {@link connectFailFast}, but with no per-command timeout. Its
 * commands (SUBSCRIBE) wait for Redis's answer as long as the connection lives; a connection
 * that stops answering is still dropped after `socketTimeout` of silence, which rejects them. A
 * per-command timeout would give up on a SUBSCRIBE that Redis then carries out, leaving a
 * subscribed connection that believes it is not.
 *
 * @example
 * ```ts
 * const subscriber = duplicateSubscriber(redis, 200)
 * await subscriber.subscribe('bearerguard:revocations') // settles with Redis's answer
 * ```
 */
export function duplicateSubscriber(client: Redis, commandTimeout: number): Redis {
  return client.duplicate({
    ...failFastOptions(commandTimeout),
    commandTimeout: undefined,
    lazyConnect: false,
  })
}

/**
 * `host:port` of a client's server, for log lines: never its URL, which may hold a password.
 *
 * @example
 * ```ts
 * describeServer(redis) // '127.0.0.1:6379'
 * ```
 */
export function describeServer(client: Redis): string {
  const { host, port, path } = client.options
  return path ? String(path) : `${host ?? 'localhost'}:${port ?? 6379}`
}

/**
 * Ends a connection: QUIT when it is up (bounded by `timeoutMs`), then a hard disconnect so no
 * reconnection is attempted. Never rejects.
 *
 * @example
 * ```ts
 * await quitConnection(redis, 200)
 * ```
 */
export async function quitConnection(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
    })
    await Promise.race([client.quit().catch(() => undefined), timedOut])
    clearTimeout(timer)
  }
  if (client.status !== 'end') client.disconnect(false)
}
