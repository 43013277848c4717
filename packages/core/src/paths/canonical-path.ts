/**
 * One canonical form for a request path (RFC 3986 §6.2.2), so that a rule matched here and
 * the route a proxy or an upstream picks read the same path. Percent-encoded unreserved
 * characters are decoded (`/%61dmin` is `/admin`), the other escapes upper-cased, printable
 * characters that may not stand raw in a path are encoded, slashes merged (as nginx's
 * `merge_slashes`), then dot segments resolved. Spellings that servers read differently are
 * refused rather than guessed: encoded `/` and `\` (nginx decodes `%2F` into a separator,
 * others do not), a raw `\` (WHATWG URL parsers read it as `/`), `;` path parameters (Tomcat
 * and Jetty drop them, nginx does not), encoded dot segments, encoded control characters,
 * double encoding (`%2561`), malformed escapes, escapes that are not UTF-8, raw bytes outside
 * printable ASCII, and `..` above the root (nginx answers 400).
 *
 * Hand-written: WHATWG `URL` normalises differently from nginx (it keeps `//`, turns `\` into
 * `/`, and leaves `%61` encoded), and no maintained library implements this refusal policy.
 */

/**
 * The canonical form of a path, or why it is refused.
 *
 * @example
 * ```ts
 * const result: CanonicalPath = canonicalPath('/public//../%61dmin/x')
 * if (result.ok) result.path // '/admin/x'
 * ```
 */
export type CanonicalPath =
  | { ok: true; path: string }
  | {
      ok: false
      /** A short, client-safe sentence saying what was refused. */
      reason: string
    }

const HEX = '0123456789ABCDEF'
/** RFC 3986 §2.3 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/
/** Printable ASCII that RFC 3986 allows raw in a path: unreserved, sub-delims, ':', '@', '/', '%'. */
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,=:@/%]$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

const refuse = (reason: string): CanonicalPath => ({ ok: false, reason })

/**
 * Canonicalises the path of a request target (the part before `?`; it must start with `/`).
 *
 * @example
 * ```ts
 * canonicalPath('/%61dmin/x')          // { ok: true, path: '/admin/x' }
 * canonicalPath('/public//../admin/x') // { ok: true, path: '/admin/x' }
 * canonicalPath('/admin%2Fx')          // { ok: false, reason: 'The path has an encoded "/" or "\"' }
 * ```
 */
export function canonicalPath(raw: string): CanonicalPath {
  if (!raw.startsWith('/')) return refuse('The path must start with "/"')
  let out = ''
  /** Bytes of a run of non-ASCII escapes, checked as UTF-8 when the run ends. */
  let run: number[] = []
  const endRun = (): boolean => {
    if (run.length === 0) return true
    try {
      utf8.decode(new Uint8Array(run))
    } catch {
      return false
    }
    run = []
    return true
  }
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string
    if (ch !== '%') {
      if (!endRun()) return refuse('The path has percent-escapes that are not UTF-8')
      if (ch === '\\') return refuse('The path has a "\\"')
      if (ch === ';') return refuse('The path has ";" parameters')
      const code = ch.charCodeAt(0)
      if (code <= 0x20 || code >= 0x7f) {
        return refuse('The path has a character that must be percent-encoded')
      }
      out += RAW_ALLOWED.test(ch) ? ch : escape(code)
      continue
    }
    const byte = hexByte(raw, i + 1)
    if (byte === undefined) return refuse('The path has a malformed percent-escape')
    i += 2
    if (byte >= 0x80) {
      run.push(byte)
      out += escape(byte)
      continue
    }
    if (!endRun()) return refuse('The path has percent-escapes that are not UTF-8')
    const decoded = String.fromCharCode(byte)
    if (decoded === '/' || decoded === '\\') return refuse('The path has an encoded "/" or "\\"')
    if (byte < 0x20 || byte === 0x7f) return refuse('The path has an encoded control character')
    if (decoded === ';') return refuse('The path has ";" parameters')
    if (decoded === '.' && isEncodedDotSegment(raw, i)) {
      return refuse('The path has an encoded dot segment')
    }
    out += UNRESERVED.test(decoded) ? decoded : escape(byte)
  }
  if (!endRun()) return refuse('The path has percent-escapes that are not UTF-8')
  // an escaped '%' before two hex digits, as sent (`%2561`) or once decoded (`%25%61a`)
  if (/%25[0-9A-Fa-f]{2}/.test(out)) return refuse('The path is percent-encoded twice')
  const resolved = removeDotSegments(out.replace(/\/{2,}/g, '/'))
  return resolved === undefined ? refuse('The path leaves the root with ".."') : resolved
}

function escape(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`
}

function hexByte(raw: string, at: number): number | undefined {
  const pair = raw.slice(at, at + 2)
  return /^[0-9A-Fa-f]{2}$/.test(pair) ? Number.parseInt(pair, 16) : undefined
}

/** Whether the segment around position `at` (an escaped `.`) is, decoded, `.` or `..`. */
function isEncodedDotSegment(raw: string, at: number): boolean {
  const start = raw.lastIndexOf('/', at) + 1
  let end = raw.indexOf('/', at)
  if (end === -1) end = raw.length
  const segment = raw.slice(start, end).replace(/%2e/gi, '.')
  return segment === '.' || segment === '..'
}

/**
 * RFC 3986 §5.2.4 on a path whose slashes are merged; `undefined` when `..` would climb above
 * the root (RFC 3986 would stop at the root; nginx refuses, and so do we).
 */
function removeDotSegments(path: string): CanonicalPath | undefined {
  const segments = path.split('/').slice(1)
  const kept: string[] = []
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1
    if (segment === '..') {
      if (kept.pop() === undefined) return undefined
      if (last) kept.push('')
    } else if (segment === '.') {
      if (last) kept.push('')
    } else {
      kept.push(segment)
    }
  }
  return { ok: true, path: `/${kept.join('/')}` }
}
