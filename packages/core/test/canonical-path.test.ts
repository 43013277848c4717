import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalPath } from '../src/paths/canonical-path.js'

const accepted: Array<[string, string]> = [
  ['/', '/'],
  ['/orders/42', '/orders/42'],
  ['/%61dmin/x', '/admin/x'], // RFC 3986 §6.2.2.2: decode unreserved characters
  ['/%7Eu/%2d%5F', '/~u/-_'],
  ['/public//../admin/x', '/admin/x'], // slashes merged before dot segments, as nginx does
  ['//admin', '/admin'],
  ['/a//', '/a/'],
  ['/a/./b/', '/a/b/'],
  ['/a/.', '/a/'],
  ['/a/..', '/'],
  ['/a/b/../c', '/a/c'],
  ['/a/.../b', '/a/.../b'],
  ['/a/b%2e', '/a/b.'], // an encoded dot inside a segment is just a dot
  ['/a%20b', '/a%20b'],
  ['/a%3fb', '/a%3Fb'], // reserved escapes stay escaped, upper-cased (§6.2.2.1)
  ['/a%23b', '/a%23b'],
  ['/a%25', '/a%25'],
  ['/caf%c3%a9', '/caf%C3%A9'],
  ['/a/{x}|^', '/a/%7Bx%7D%7C%5E'], // printable characters a path may not hold raw
  ["/a/!$&'()*+,=:@", "/a/!$&'()*+,=:@"],
]

const refused: Array<[string, RegExp]> = [
  ['/public/..%2Fadmin/x', /encoded "\/"/],
  ['/admin%2fx', /encoded "\/"/],
  ['/a%5Cb', /encoded "\/" or "\\"/],
  ['/a\\b', /"\\"/],
  ['/a%00b', /control character/],
  ['/a%09b', /control character/],
  ['/a%7f', /control character/],
  ['/a/%2e%2e/admin', /encoded dot segment/],
  ['/a/.%2E/admin', /encoded dot segment/],
  ['/%2e/admin', /encoded dot segment/],
  ['/a/%2e', /encoded dot segment/],
  ['/a;b/c', /";" parameters/],
  ['/admin;jsessionid=1/x', /";" parameters/],
  ['/a%3Bb', /";" parameters/],
  ['/a%2561', /twice/],
  ['/%25%61admin', /twice/], // once decoded, %25 stands before "aa": found by the idempotence property
  ['/%25a%62', /twice/],
  ['/a%zz', /malformed/],
  ['/a%2', /malformed/],
  ['/a%', /malformed/],
  ['/%C0%AE%C0%AE/admin', /not UTF-8/], // overlong '.', read as a dot by some decoders
  ['/a%C3', /not UTF-8/],
  ['/a b', /must be percent-encoded/],
  ['/caf\u00e9', /must be percent-encoded/],
  ['/..', /leaves the root/],
  ['/admin/../../x', /leaves the root/],
  ['/../..', /leaves the root/],
  ['admin', /must start with/],
]

describe('canonicalPath', () => {
  it.each(accepted)('%s → %s', (raw, path) => {
    expect(canonicalPath(raw)).toEqual({ ok: true, path })
  })

  it.each(refused)('refuses %s', (raw, reason) => {
    const result = canonicalPath(raw)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })

  // Path pieces an attacker would combine: separators, dot segments plain and encoded,
  // encodings of letters, slashes, backslashes, percent signs, NUL, `;`, non-ASCII.
  const piece = fc.constantFrom(
    '/',
    '//',
    '.',
    '..',
    '%2e',
    '%2E%2e',
    'a',
    'admin',
    '%61',
    '%41',
    '%2F',
    '%2f',
    '%5C',
    '\\',
    '%00',
    '%25',
    '%2561',
    ';',
    '%3B',
    '%20',
    '%3F',
    '%C3%A9',
    '%C3',
    '%zz',
    '~',
    '%7e',
    'x.y',
    '{',
    '|',
  )
  const path = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`)

  it('is idempotent: a canonical path is its own canonical form', () => {
    fc.assert(
      fc.property(path, (raw) => {
        const first = canonicalPath(raw)
        if (first.ok) expect(canonicalPath(first.path)).toEqual(first)
      }),
      { numRuns: 2000 },
    )
  })

  it('decoded, is what a full decoder (nginx $uri) makes of the path', () => {
    fc.assert(
      fc.property(path, (raw) => {
        const result = canonicalPath(raw)
        if (result.ok) expect(decodeAll(result.path)).toBe(nginxView(raw))
      }),
      { numRuns: 2000 },
    )
  })

  it('has no empty segment but a trailing one, no dot segment, no escaped unreserved character', () => {
    fc.assert(
      fc.property(path, (raw) => {
        const result = canonicalPath(raw)
        if (!result.ok) return
        expect(result.path).not.toMatch(
          /\/\/|\/\.\.?(\/|$)|%(?:[46][1-9A-F]|[57][0-9A]|2D|2E|5F|7E|3[0-9])/i,
        )
        expect(result.path).not.toMatch(/%[0-9A-F]?[a-f]/)
      }),
      { numRuns: 2000 },
    )
  })
})

/** Every escape decoded, as bytes read as Latin-1 (as nginx's `$uri`, byte for byte). */
function decodeAll(path: string): string {
  return path.replace(/%([0-9A-F]{2})/gi, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  )
}

/** A model of nginx's path handling: decode, merge slashes, resolve dot segments. */
function nginxView(raw: string): string {
  const decoded = decodeAll(raw).replace(/\/{2,}/g, '/')
  const out: string[] = []
  const segments = decoded.split('/').slice(1)
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '..') out.pop()
    if (segment === '.' || segment === '..') {
      if (last) out.push('')
    } else out.push(segment)
  })
  return `/${out.join('/')}`
}
