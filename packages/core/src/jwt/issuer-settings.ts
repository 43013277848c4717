/** One trusted issuer, as the options resolved it. */
import type { KeySpec } from '../keys/key-spec.js'
import type { Tenancy } from '../tenants/tenant-template.js'

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
  /** A `{tenantid}` template: where the tenant segment is, and which tenants are allowed. */
  tenancy?: Tenancy
  /** A tenant's issuer made from a template: the tenant id its tokens' `tid` must equal. */
  tenant?: string
}
