/**
 * Lets a timer not keep the process alive, where timers can (Node, Bun, Deno give an object with
 * `unref()`; Workers and browsers give a number, and have nothing to keep alive).
 */

/**
 * Calls `timer.unref()` when the runtime's timers have it.
 *
 * @example
 * ```ts
 * unrefTimer(setTimeout(() => controller.abort(), 3000))
 * ```
 */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  const unref = (timer as { unref?: unknown }).unref
  if (typeof unref === 'function') unref.call(timer)
}
