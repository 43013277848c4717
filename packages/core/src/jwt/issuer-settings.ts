/** One trusted issuer, as the options resolved it. */
import type { KeySpec } from '../keys/key-spec.js'

/**
 * A trusted issuer: its exact `iss`, the audiences its tokens must name, the algorithms
 * accepted from it, and where its keys come from.
 *
 * @example
 * ```ts
 * const issuer: IssuerSettings = { issuer: 'https://as.example.com', audiences: ['https://api.example.com'], algorithms: new Set(['RS256']), keys: { kind: 'discovery' } }
 * ```
 */
export interface IssuerSettings {
  issuer: string
  audiences: string[]
  algorithms: Set<string>
  keys: KeySpec
}
