/**
 * The gateway's log sink: JSON lines on stdout that can neither stall the process nor keep it
 * from exiting, whatever the reader of stdout does.
 *
 * Written by hand because pino's default destination (sonic-boom on file descriptor 1) cannot
 * promise that: at exit it flushes synchronously and retries a failed write — EPIPE once the
 * reader is gone, EAGAIN while a full pipe is not read — in a loop that never ends, so the
 * process hangs in its exit handler and no further signal can end it. Node's own
 * `process.stdout` never blocks on a pipe and lets the process exit with whatever is still
 * queued; this sink writes there, stops writing once the stream has failed, drops lines while
 * too much is queued (a reader that stopped reading must not grow memory without end), and
 * flushes for a bounded time only.
 */
import type { Writable } from 'node:stream'
import type { DestinationStream } from 'pino'

/**
 * A pino destination on stdout that never blocks and never throws.
 *
 * @example
 * ```ts
 * const sink = stdoutDestination()
 * const logger = pino({}, sink)
 * await sink.flush(250) // before process.exit
 * ```
 */
export interface StdoutDestination extends DestinationStream {
  /** Lines not written: the stream had failed, or more than `maxQueued` bytes were waiting. */
  readonly dropped: number
  /**
   * Resolves once every queued line is written, the stream has failed, or `timeoutMs` has
   * passed, whichever comes first. Never rejects.
   */
  flush(timeoutMs: number): Promise<void>
}

/**
 * A {@link StdoutDestination} on `stream` (default `process.stdout`), dropping lines while more
 * than `maxQueued` bytes (default 8 MiB) wait to be written.
 *
 * @example
 * ```ts
 * const gateway = createGateway(config, { logDestination: stdoutDestination() })
 * ```
 */
export function stdoutDestination(
  options: { stream?: Writable; maxQueued?: number } = {},
): StdoutDestination {
  const stream = options.stream ?? process.stdout
  const maxQueued = options.maxQueued ?? 8 * 1024 * 1024
  let failed = false
  let dropped = 0
  // EPIPE (the reader is gone) and every later write error end up here instead of crashing
  // the process; from then on lines are dropped.
  stream.on('error', () => {
    failed = true
  })
  const usable = () => !failed && !stream.destroyed && stream.writable

  return {
    get dropped() {
      return dropped
    },
    write(line: string) {
      if (!usable() || stream.writableLength > maxQueued) {
        dropped += 1
        return
      }
      stream.write(line)
    },
    flush(timeoutMs: number) {
      if (!usable() || stream.writableLength === 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          stream.off('drain', done).off('error', done).off('close', done)
          resolve()
        }
        const timer = setTimeout(done, timeoutMs)
        stream.on('drain', done).on('error', done).on('close', done)
      })
    },
  }
}

let shared: StdoutDestination | undefined

/**
 * The process's one {@link stdoutDestination} on `process.stdout`, shared by every logger
 * without a destination of its own (one error listener on stdout, however many loggers).
 *
 * @example
 * ```ts
 * const logger = pino({}, stdoutSink())
 * await stdoutSink().flush(250)
 * ```
 */
export function stdoutSink(): StdoutDestination {
  shared ??= stdoutDestination()
  return shared
}
