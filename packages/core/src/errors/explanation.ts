/**
 * What a rejection compared — the check that failed and the values it held side by side — for
 * the development explainer (`debug`). Kept beside the error, never in it: it is not rendered,
 * not sent, not given to telemetry, and worked out only when the explainer asks for it.
 */
import type { AuthError } from './auth-error.js'

/**
 * The failed check and what it compared.
 *
 * @example
 * ```ts
 * const why: Explanation = { check: 'audience', expected: ['https://api.example.com'], actual: ['https://other.example.com'] }
 * ```
 */
export interface Explanation {
  /** The check that failed: `audience`, `exp`, `kid`, `issuer`, `scope`, … */
  readonly check: string
  /** What the guard or the route wanted. */
  readonly expected?: unknown
  /** What the token (or request) had. */
  readonly actual?: unknown
  /** Anything else worth knowing (e.g. the clock skew in seconds). */
  readonly note?: string
}

const explanations = new WeakMap<AuthError, () => Explanation>()

/**
 * `error`, with how to explain it remembered (the function runs only if the explainer asks).
 *
 * @example
 * ```ts
 * throw explained(new InvalidTokenError('Token audience is not accepted'), () => ({ check: 'audience', expected, actual }))
 * ```
 */
export function explained<E extends AuthError>(error: E, explain: () => Explanation): E {
  explanations.set(error, explain)
  return error
}

/**
 * The explanation remembered for `error`, if any (an explanation that fails is none).
 *
 * @example
 * ```ts
 * const why = explanationOf(error)
 * ```
 */
export function explanationOf(error: AuthError): Explanation | undefined {
  try {
    return explanations.get(error)?.()
  } catch {
    return undefined
  }
}
