/** Validates and resolves `dpop` (the zod schema has checked shapes). */
import { DpopNonces } from '../dpop/dpop-nonces.js'
import { MemoryReplayStore } from '../dpop/replay-store.js'
import type { DpopSettings } from '../dpop/dpop-settings.js'
import { DEFAULT_DPOP_ALGORITHMS, type GuardOptions } from './guard-options.js'
import { GuardOptionError } from './option-error.js'
import { secretBytes } from './secret-bytes.js'

const ASYMMETRIC = new Set<string>(DEFAULT_DPOP_ALGORITHMS)

/**
 * @example
 * ```ts
 * const dpop = resolveDpop({ issuer, audience, dpop: 'required' }, 30)
 * ```
 */
export function resolveDpop(o: GuardOptions, clockTolerance: number): DpopSettings {
  const given = typeof o.dpop === 'string' ? { mode: o.dpop } : (o.dpop ?? {})
  const algorithms = given.algorithms ?? [...DEFAULT_DPOP_ALGORITHMS]
  for (const alg of algorithms) {
    if (!ASYMMETRIC.has(alg)) {
      throw new GuardOptionError(
        'dpop.algorithms',
        `includes "${alg}": DPoP proofs are signed with asymmetric keys; use e.g. ES256, EdDSA, PS256`,
      )
    }
  }
  return {
    mode: given.mode ?? 'allowed',
    algorithms,
    maxAge: given.maxAge ?? 60,
    clockTolerance,
    replayStore: given.replayStore ?? new MemoryReplayStore(),
    nonces: resolveNonces(given.nonce),
  }
}

function resolveNonces(
  nonce: Exclude<GuardOptions['dpop'], string | undefined>['nonce'],
): DpopNonces | undefined {
  if (nonce === undefined || nonce === false) return undefined
  if (nonce === true) {
    return new DpopNonces({ secrets: 'random', lifetime: 300 })
  }
  const list = Array.isArray(nonce.secret) ? nonce.secret : [nonce.secret]
  if (list.length === 0) {
    throw new GuardOptionError('dpop.nonce.secret', 'must hold at least one secret')
  }
  const secrets = list.map((secret, i) =>
    secretBytes(
      secret,
      Array.isArray(nonce.secret) ? `dpop.nonce.secret[${i}]` : 'dpop.nonce.secret',
      '(e.g. 32 random bytes, base64-encoded)',
    ),
  )
  return new DpopNonces({ secrets, lifetime: nonce.lifetime ?? 300 })
}
