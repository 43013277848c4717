/** Bounds a Redis call so that no store call outlives `commandTimeout`, whatever the client does. */
import { RedisStoreError } from './errors.js'

/**
 * `work`'s result, or a rejection with a {@link RedisStoreError} naming `what` when it fails or
 * takes longer than `timeoutMs`.
 *
 * @example
 * ```ts
 * const value = await withDeadline(redis.get(key), 200, 'GET')
 * ```
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisStoreError(`${what} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([work, deadline])
  } catch (err) {
    if (err instanceof RedisStoreError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new RedisStoreError(`${what} failed: ${reason}`, { cause: err })
  } finally {
    clearTimeout(timer)
    // A late rejection of `work` after the deadline must not become an unhandled rejection.
    work.catch(() => undefined)
  }
}
