/**
 * Multi-tenant issuers (Microsoft Entra ID and the like): an issuer written with `{tenantid}`
 * standing for one path segment, e.g. `https://login.microsoftonline.com/{tenantid}/v2.0`. A
 * token's `iss` matches when it is the template with a tenant id in that segment; the id must
 * be allowed (`tenants`: a list or a predicate) and equal the token's `tid` claim. All of it is
 * decided from the token alone, before any network call.
 */

/** The placeholder of a tenant issuer. */
export const TENANT_PLACEHOLDER = '{tenantid}'

/** What a tenant id may look like: one path segment of unreserved characters (a GUID, a name). */
const TENANT_ID = /^[A-Za-z0-9._~-]{1,128}$/

/**
 * A resolved `{tenantid}` template: the text around the placeholder and who is allowed.
 *
 * @example
 * ```ts
 * const tenancy: Tenancy = { prefix: 'https://login.microsoftonline.com/', suffix: '/v2.0', allowed: (id) => id === 'contoso-id', list: ['contoso-id'] }
 * ```
 */
export interface Tenancy {
  prefix: string
  suffix: string
  /** Whether a tenant id is allowed (the list, the predicate, or every id). */
  allowed: (tenantId: string) => boolean
  /** The allow-list when it is a list (for RFC 9728 `authorization_servers`). */
  list: readonly string[] | undefined
}

/**
 * Checks a template issuer and returns where its placeholder is, or a problem in words: the
 * placeholder once, as a whole path segment (after the host), the rest an http(s) URL.
 *
 * @example
 * ```ts
 * parseTemplate('https://login.microsoftonline.com/{tenantid}/v2.0') // { prefix: 'https://login.microsoftonline.com/', suffix: '/v2.0' }
 * parseTemplate('https://{tenantid}.example.com/') // 'must hold "{tenantid}" as a whole path segment …'
 * ```
 */
export function parseTemplate(issuer: string): { prefix: string; suffix: string } | string {
  const at = issuer.indexOf(TENANT_PLACEHOLDER)
  if (issuer.indexOf(TENANT_PLACEHOLDER, at + 1) !== -1) {
    return `holds "${TENANT_PLACEHOLDER}" more than once: one tenant segment per issuer`
  }
  const prefix = issuer.slice(0, at)
  const suffix = issuer.slice(at + TENANT_PLACEHOLDER.length)
  let url: URL
  try {
    url = new URL(`${prefix}tenant${suffix}`)
  } catch {
    return 'is not a URL once "{tenantid}" is filled in'
  }
  const authorityEnd = prefix.indexOf('/', prefix.indexOf('//') + 2)
  const wholeSegment = prefix.endsWith('/') && (suffix === '' || suffix.startsWith('/'))
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    authorityEnd === -1 ||
    authorityEnd >= at ||
    !wholeSegment ||
    /[?#]/.test(suffix)
  ) {
    return `must hold "${TENANT_PLACEHOLDER}" as a whole path segment of an http(s) URL, e.g. https://login.microsoftonline.com/{tenantid}/v2.0`
  }
  return { prefix, suffix }
}

/**
 * The tenant id `iss` names under `tenancy`, or undefined when it is not of that template (or
 * the segment is no tenant id).
 *
 * @example
 * ```ts
 * tenantOf('https://login.microsoftonline.com/72f9/v2.0', tenancy) // '72f9'
 * ```
 */
export function tenantOf(iss: string, tenancy: Tenancy): string | undefined {
  const { prefix, suffix } = tenancy
  if (iss.length <= prefix.length + suffix.length) return undefined
  if (!iss.startsWith(prefix) || !iss.endsWith(suffix)) return undefined
  const id = iss.slice(prefix.length, iss.length - suffix.length)
  // `.` and `..` are dot segments, not tenants: a URL made from them names another path
  return TENANT_ID.test(id) && id !== '.' && id !== '..' ? id : undefined
}

/**
 * The allow-list as a function: a list is matched exactly, a predicate must answer a boolean
 * (anything else is a programming error, a `TypeError`), no list allows every tenant.
 *
 * @example
 * ```ts
 * allowedTenants(['72f9'])('72f9') // true
 * ```
 */
export function allowedTenants(
  tenants: readonly string[] | ((tenantId: string) => boolean) | undefined,
): (tenantId: string) => boolean {
  if (tenants === undefined) return () => true
  if (typeof tenants !== 'function') {
    const set = new Set(tenants)
    return (id) => set.has(id)
  }
  return (id) => {
    const verdict: unknown = tenants(id)
    if (typeof verdict !== 'boolean') {
      throw new TypeError(
        `bearerguard: the issuer's "tenants" predicate must return true or false, got ${typeof verdict}`,
      )
    }
    return verdict
  }
}
