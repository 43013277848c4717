/**
 * Headers that make an upstream read a request differently from the request line the gateway
 * judged. Method overrides (`X-HTTP-Method-Override: DELETE` on a POST: Rails, Laravel,
 * method-override middleware run the named method) and path overrides (`X-Original-URL`,
 * `X-Rewrite-URL`: Symfony, IIS and Zend route on them, the reason for CVE-2018-14773) never
 * pass. Forwarding headers the gateway does not set itself (`Forwarded`, `X-Real-IP`,
 * `X-Forwarded-Port`/`-Prefix`/`-Server`/`-Uri`/`-Method`) pass only from a trusted hop. Names
 * are matched spelled with `-` or `_` (CGI, WSGI and Rack read `_` as `-`).
 */

const OVERRIDES = new Set([
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-url',
  'x-rewrite-url',
])

const FORWARDING = new Set([
  'forwarded',
  'x-real-ip',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
])

const dash = (name: string) => (name.includes('_') ? name.replaceAll('_', '-') : name)

/**
 * True for a (lower-cased) method- or path-override header name.
 *
 * @example
 * ```ts
 * isOverrideHeader('x-http-method-override') // true
 * isOverrideHeader('x_original_url') // true
 * ```
 */
export function isOverrideHeader(name: string): boolean {
  return OVERRIDES.has(dash(name))
}

/**
 * True for a (lower-cased) forwarding header the gateway does not set itself: kept only from
 * a trusted hop.
 *
 * @example
 * ```ts
 * isForwardingHeader('forwarded') // true
 * isForwardingHeader('x-forwarded-for') // false: the gateway extends it
 * ```
 */
export function isForwardingHeader(name: string): boolean {
  return FORWARDING.has(dash(name))
}
