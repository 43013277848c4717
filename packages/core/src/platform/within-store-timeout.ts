/**
 * The bound on every call to a supplied store (the introspection cache's, the JWKS store): a
 * store that fails or is slow only costs a miss, never a failed or stalled request.
 */
import { unrefTimer } from './unref-timer.js'

/** Ms a store call may take before it counts as a miss (a `set` is no longer waited for). */
export const STORE_TIMEOUT_MS = 250

/**
 * What `call` resolves to within {@link STORE_TIMEOUT_MS}, or undefined when it throws,
 * rejects or takes longer. Never rejects.
 *
 * @example
 * ```ts
 * const entry = await withinStoreTimeout(() => store.get(key)) // undefined after 250 ms
 * ```
 */
export async function withinStoreTimeout<T>(call: () => Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      new Promise<T>((resolve) => resolve(call())),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, STORE_TIMEOUT_MS, undefined)
        unrefTimer(timer)
      }),
    ])
  } catch {
    return undefined
  } finally {
    clearTimeout(timer)
  }
}
