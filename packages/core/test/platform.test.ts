/**
 * platform/: every helper gives the same answers with Node's builtins and without them (as on
 * Workers without nodejs_compat or a browser), and node:crypto is used only when it gives the
 * known answers.
 */
import * as crypto from 'node:crypto'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import {
  base64Decode,
  base64Encode,
  base64urlDecode,
  base64urlEncode,
} from '../src/platform/base64.js'
import { hmacSha256 } from '../src/platform/hmac-sha256.js'
import {
  nodeBuiltins,
  overrideNodeBuiltins,
  type NodeBuiltins,
} from '../src/platform/node-builtins.js'
import { perRuntime } from '../src/platform/per-runtime.js'
import { randomBytes } from '../src/platform/random-bytes.js'
import { randomUUID } from '../src/platform/random-uuid.js'
import { sha256Base64url } from '../src/platform/sha256.js'
import { timingSafeEqual } from '../src/platform/timing-safe-equal.js'
import { unrefTimer } from '../src/platform/unref-timer.js'
import { utf8Decode, utf8Encode } from '../src/platform/utf8.js'

const node = nodeBuiltins()
afterAll(() => overrideNodeBuiltins('runtime'))

const RUNTIMES: [string, Partial<NodeBuiltins> | 'runtime'][] = [
  ['with node:crypto and Buffer', 'runtime'],
  ['with Buffer, without node:crypto', { Buffer: node.Buffer }],
  ['with node:crypto, without Buffer', { crypto: node.crypto }],
  ['without any Node builtin', {}],
]

const bytes = fc.uint8Array({ maxLength: 300 })
const text = fc.string({ unit: 'grapheme', maxLength: 200 })

describe('nodeBuiltins() on Node', () => {
  it('finds node:crypto and Buffer through process.getBuiltinModule, once', () => {
    expect(node.crypto?.createHash).toBe(crypto.createHash)
    expect(node.Buffer).toBe(Buffer)
    expect(nodeBuiltins()).toBe(node)
  })
  it('a test override replaces them until the runtime is asked for again', () => {
    overrideNodeBuiltins({})
    expect(nodeBuiltins()).toEqual({ crypto: undefined, Buffer: undefined })
    overrideNodeBuiltins('runtime')
    expect(nodeBuiltins().crypto).toBe(node.crypto)
  })
  it('finds nothing where process or getBuiltinModule is missing, or throws', () => {
    const lookUpWith = (process: unknown) => {
      vi.stubGlobal('process', process)
      try {
        overrideNodeBuiltins('runtime')
        return nodeBuiltins()
      } finally {
        vi.unstubAllGlobals()
        overrideNodeBuiltins('runtime')
      }
    }
    const none = { crypto: undefined, Buffer: undefined }
    expect(lookUpWith(undefined)).toEqual(none)
    expect(lookUpWith({})).toEqual(none)
    expect(
      lookUpWith({
        getBuiltinModule: () => {
          throw new Error('not here')
        },
      }),
    ).toEqual(none)
    expect(lookUpWith({ getBuiltinModule: () => ({ createHash: 'not a function' }) })).toEqual(none)
  })
})

describe('perRuntime', () => {
  it('chooses once, and again only when the builtins change', () => {
    const choose = vi.fn((builtins: NodeBuiltins) => (builtins.crypto ? 'node' : 'web'))
    const chosen = perRuntime(choose)
    expect([chosen(), chosen()]).toEqual(['node', 'node'])
    overrideNodeBuiltins({})
    expect([chosen(), chosen()]).toEqual(['web', 'web'])
    overrideNodeBuiltins('runtime')
    expect(chosen()).toBe('node')
    expect(choose).toHaveBeenCalledTimes(3)
  })
})

describe.each(RUNTIMES)('platform helpers %s', (_, builtins) => {
  afterEach(() => overrideNodeBuiltins('runtime'))
  const use = () => overrideNodeBuiltins(builtins)

  it('sha256Base64url equals node:crypto’s SHA-256, for strings (UTF-8) and bytes', () => {
    use()
    expect(sha256Base64url('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU')
    expect(sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    fc.assert(
      fc.property(fc.oneof(text, bytes), (data) => {
        const expected = crypto.createHash('sha256').update(data).digest('base64url')
        expect(sha256Base64url(data)).toBe(expected)
      }),
    )
  })
  it('hmacSha256 equals node:crypto’s HMAC-SHA-256', () => {
    use()
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.oneof(text, bytes),
        (key, data) => {
          const expected = crypto.createHmac('sha256', key).update(data).digest()
          expect(Buffer.from(hmacSha256(key, data)).equals(expected)).toBe(true)
        },
      ),
    )
  })
  it('base64url and base64 round-trip and spell as Buffer does', () => {
    use()
    fc.assert(
      fc.property(bytes, (data) => {
        const url = base64urlEncode(data)
        expect(url).toBe(Buffer.from(data).toString('base64url'))
        expect([...base64urlDecode(url)]).toEqual([...data])
        const standard = base64Encode(data)
        expect(standard).toBe(Buffer.from(data).toString('base64'))
        expect([...(base64Decode(standard) ?? [])]).toEqual([...data])
      }),
    )
  })
  it('base64url encodes a view of a larger buffer by its own bytes', () => {
    use()
    const whole = new Uint8Array([1, 2, 251, 255, 9])
    expect(base64urlEncode(whole.subarray(2, 4))).toBe('-_8')
  })
  it('timingSafeEqual: true for equal bytes only; false for another length', () => {
    use()
    const a = new Uint8Array([1, 2, 3, 4])
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 4]))).toBe(true)
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 5]))).toBe(false)
    expect(timingSafeEqual(a, new Uint8Array([0, 2, 3, 4]))).toBe(false)
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(false)
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    fc.assert(
      fc.property(bytes, bytes, (x, y) => {
        expect(timingSafeEqual(x, y)).toBe(Buffer.from(x).equals(Buffer.from(y)))
      }),
    )
  })
  it('utf8 round-trips, and reads invalid bytes as U+FFFD as Buffer does', () => {
    use()
    fc.assert(
      fc.property(text, (s) => {
        expect(utf8Decode(utf8Encode(s))).toBe(s)
      }),
    )
    const invalid = new Uint8Array([0x61, 0xff, 0xc3])
    expect(utf8Decode(invalid)).toBe(Buffer.from(invalid).toString('utf8'))
  })
  it('randomBytes and randomUUID are random', () => {
    use()
    expect(randomBytes(32)).toHaveLength(32)
    expect(Buffer.from(randomBytes(32)).equals(Buffer.from(randomBytes(32)))).toBe(false)
    expect(randomUUID()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(randomUUID()).not.toBe(randomUUID())
  })
})

describe('node:crypto is used only when it gives the known answers', () => {
  afterEach(() => overrideNodeBuiltins('runtime'))
  const wrong = () => ({ update: () => ({ digest: () => Buffer.alloc(32) }) })
  it('a node:crypto whose SHA-256 or HMAC answers wrong is not used', () => {
    const hash = vi.fn(() => 'wrong')
    const createHmac = vi.fn(wrong)
    overrideNodeBuiltins({
      Buffer,
      crypto: { ...crypto, hash, createHash: wrong, createHmac } as unknown as typeof crypto,
    })
    expect(sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    const key = new TextEncoder().encode('Jefe')
    const expected = crypto.createHmac('sha256', key).update('x').digest()
    expect(Buffer.from(hmacSha256(key, 'x')).equals(expected)).toBe(true)
    expect(hash).toHaveBeenCalledTimes(1) // the known-answer test, then never again
    expect(createHmac).toHaveBeenCalledTimes(1)
  })
  it('nor one that throws', () => {
    const broken = () => {
      throw new Error('not implemented')
    }
    overrideNodeBuiltins({
      crypto: {
        ...crypto,
        hash: broken,
        createHash: broken,
        createHmac: broken,
      } as unknown as typeof crypto,
    })
    expect(sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    expect(hmacSha256(new Uint8Array(32), 'x')).toHaveLength(32)
  })
  it('createHash serves where crypto.hash (Node ≥ 20.12) is missing', () => {
    const createHash = vi.fn(crypto.createHash)
    overrideNodeBuiltins({
      crypto: { ...crypto, hash: undefined, createHash } as unknown as typeof crypto,
    })
    expect(sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    expect(createHash).toHaveBeenCalledTimes(2)
  })
})

describe('unrefTimer', () => {
  it('unrefs a timer object, and leaves a number (Workers, browsers) alone', () => {
    const timer = { unref: vi.fn() }
    unrefTimer(timer as unknown as ReturnType<typeof setTimeout>)
    expect(timer.unref).toHaveBeenCalledOnce()
    expect(() => unrefTimer(42 as unknown as ReturnType<typeof setTimeout>)).not.toThrow()
    const real = setTimeout(() => {}, 10)
    unrefTimer(real)
    expect(real.hasRef()).toBe(false)
    clearTimeout(real)
  })
})
