/**
 * The trusted issuers by exact `iss`, and behind them the `{tenantid}` templates: a tenant's
 * issuer is made when a token of an allowed tenant first names it, and kept in a bounded cache
 * (its own discovery and keys when the template has no fixed `jwksUri`), so a flood of tenant
 * ids — allowed or not — never grows memory or reaches the network for a tenant not allowed.
 */
import { LRUCache } from 'lru-cache'
import type { FetchJsonOptions } from '../http/fetch-json.js'
import type { IssuerSettings } from '../jwt/issuer-settings.js'
import type { TrustedIssuer } from '../jwt/verify-jwt.js'
import type { KeyCacheSettings } from '../keys/key-spec.js'
import type { KeySource } from '../keys/key-source.js'
import { IssuerDiscovery, keySourceFor } from './issuer-keys.js'
import { tenantOf, type Tenancy } from '../tenants/tenant-template.js'

/** Tenants' issuers held per template at most (least recently used dropped first). */
const TENANTS_HELD = 1_000

interface Template {
  settings: IssuerSettings & { tenancy: Tenancy }
  /** The fixed key source of all tenants (`jwksUri`, `keys`, `secret`); undefined: per tenant. */
  shared: KeySource | undefined
  tenants: LRUCache<string, TrustedIssuer>
}

/**
 * A `Map` of the exact issuers whose `get` also answers for tenants of the templates.
 *
 * @example
 * ```ts
 * const issuers = new TrustedIssuers(settings.issuers, settings.keys, settings.http, discovery)
 * issuers.get('https://login.microsoftonline.com/72f9/v2.0') // a tenant's issuer, or undefined
 * ```
 */
export class TrustedIssuers extends Map<string, TrustedIssuer> {
  readonly #templates: Template[] = []
  readonly #keys: KeyCacheSettings
  readonly #http: FetchJsonOptions

  constructor(
    issuers: ReadonlyMap<string, IssuerSettings>,
    keys: KeyCacheSettings,
    http: FetchJsonOptions,
    discovery: IssuerDiscovery,
  ) {
    super()
    this.#keys = keys
    this.#http = http
    for (const [iss, config] of issuers) {
      if (config.tenancy) {
        const settings = config as IssuerSettings & { tenancy: Tenancy }
        const shared =
          config.keys.kind === 'discovery' ? undefined : keySourceFor(config, keys, http, discovery)
        this.#templates.push({ settings, shared, tenants: new LRUCache({ max: TENANTS_HELD }) })
      } else {
        super.set(iss, { config, keys: keySourceFor(config, keys, http, discovery) })
      }
    }
  }

  /** The issuer trusted for `iss`: an exact one, or a tenant of a template that is allowed. */
  override get(iss: string): TrustedIssuer | undefined {
    return super.get(iss) ?? (this.#templates.length > 0 ? this.#tenant(iss) : undefined)
  }

  /** Key sources to warm at start-up besides the exact issuers': the templates' fixed ones. */
  sharedTemplateKeys(): KeySource[] {
    return this.#templates.flatMap((t) => (t.shared ? [t.shared] : []))
  }

  #tenant(iss: string): TrustedIssuer | undefined {
    for (const template of this.#templates) {
      const id = tenantOf(iss, template.settings.tenancy)
      if (id === undefined) continue
      const held = template.tenants.get(id)
      if (held) return held
      if (!template.settings.tenancy.allowed(id)) return undefined
      const config: IssuerSettings = { ...template.settings, issuer: iss, tenant: id }
      const keys =
        template.shared ??
        keySourceFor(config, this.#keys, this.#http, new IssuerDiscovery(this.#http))
      const trusted: TrustedIssuer = { config, keys }
      template.tenants.set(id, trusted)
      return trusted
    }
    return undefined
  }
}
