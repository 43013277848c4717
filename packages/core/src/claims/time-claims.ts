/**
 * The time claims of a token — `exp`, `nbf`, `iat` (RFC 7519 §4.1.4–4.1.6) and the token's
 * age — checked with leeway, one way for every token: a JWT when it is verified and on every
 * verified-token cache hit, an introspection answer on every request it serves. A time claim
 * that is present must be a finite number (RFC 7519 NumericDate).
 */
import { explained } from '../errors/explanation.js'
import { InvalidTokenError } from '../errors/auth-error.js'

/**
 * How time claims are judged.
 *
 * @example
 * ```ts
 * const policy: TimePolicy = { clockTolerance: 30, maxTokenAge: 3600 }
 * ```
 */
export interface TimePolicy {
  /** Seconds of leeway on every comparison. */
  clockTolerance: number
  /** Seconds; an older `iat` is refused (and then `iat` is required). */
  maxTokenAge?: number | undefined
}

/**
 * Throws {@link InvalidTokenError} for an expired token, one not yet valid, one issued in the
 * future, one older than `maxTokenAge`, or a time claim that is not a number; `now` in seconds.
 *
 * @example
 * ```ts
 * checkTimeClaims({ exp: 1_800_000_060 }, { clockTolerance: 30 }, 1_800_000_000)
 * ```
 */
export function checkTimeClaims(
  claims: Readonly<Record<string, unknown>>,
  policy: TimePolicy,
  now: number,
): void {
  const leeway = policy.clockTolerance
  const exp = numericDate(claims, 'exp')
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  if (exp !== undefined && exp <= now - leeway) {
    throw explained(new InvalidTokenError('Token has expired'), () =>
      skew('exp', exp, now, leeway, 'expired'),
    )
  }
  if (nbf !== undefined && nbf > now + leeway) {
    throw explained(new InvalidTokenError('Token is not yet valid'), () =>
      skew('nbf', nbf, now, leeway, 'valid from'),
    )
  }
  if (iat !== undefined && iat > now + leeway) {
    throw explained(new InvalidTokenError('Token was issued in the future'), () =>
      skew('iat', iat, now, leeway, 'issued at'),
    )
  }
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) throw new InvalidTokenError('Token is missing the "iat" claim')
    if (now - iat - leeway > policy.maxTokenAge) {
      const { maxTokenAge } = policy
      throw explained(new InvalidTokenError('Token is too old'), () => ({
        check: 'maxTokenAge',
        expected: `issued within ${maxTokenAge} s (+ ${leeway} s leeway)`,
        actual: `issued ${Math.round(now - iat)} s ago (iat ${iat})`,
      }))
    }
  }
}

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = claims[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidTokenError(`Token claim "${name}" is malformed`)
  }
  return value
}

/** A time claim against the clock: how far off it is, in seconds, and the leeway allowed. */
function skew(claim: string, value: number, now: number, leeway: number, what: string) {
  return {
    check: claim,
    expected: `now ${Math.floor(now)} (± ${leeway} s leeway)`,
    actual: `${what} ${value}`,
    note: `${Math.abs(Math.round(now - value))} s ${value <= now ? 'behind' : 'ahead of'} this server's clock`,
  }
}
