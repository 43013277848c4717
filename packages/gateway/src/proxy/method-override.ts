/**
 * Method-override headers (`X-HTTP-Method-Override: DELETE` on a POST): frameworks such as
 * Rails, Laravel, Spring's HiddenHttpMethodFilter variants or method-override middleware run
 * the request as the method named there, while the gateway's rules judged the method on the
 * request line. They never pass: the reverse proxy drops them and Envoy is told to remove them.
 */

const METHOD_OVERRIDE = new Set(['x-http-method-override', 'x-http-method', 'x-method-override'])

/**
 * True for a (lower-cased) method-override header name, spelled with `-` or `_`.
 *
 * @example
 * ```ts
 * isMethodOverrideHeader('x-http-method-override') // true
 * isMethodOverrideHeader('x_http_method') // true
 * ```
 */
export function isMethodOverrideHeader(name: string): boolean {
  return METHOD_OVERRIDE.has(name.replaceAll('_', '-'))
}
