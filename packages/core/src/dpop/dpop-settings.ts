/** The resolved `dpop` option: what the DPoP checks (RFC 9449) and the challenges work from. */
import type { DpopPolicy } from './verify-proof.js'

/**
 * Whether DPoP is accepted: `allowed` (Bearer and DPoP), `required` (DPoP only), `disabled`.
 *
 * @example
 * ```ts
 * const mode: DpopMode = 'required'
 * ```
 */
export type DpopMode = 'allowed' | 'required' | 'disabled'

/**
 * The guard's DPoP settings, resolved once at construction.
 *
 * @example
 * ```ts
 * const settings: DpopSettings = { mode: 'allowed', algorithms: ['ES256'], maxAge: 60, clockTolerance: 30, replayStore: new MemoryReplayStore(), nonces: undefined }
 * ```
 */
export interface DpopSettings extends DpopPolicy {
  mode: DpopMode
}
