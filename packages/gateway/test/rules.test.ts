/** The rule table: first match wins, methods, hosts, path patterns, normalisation. */
import { describe, expect, it } from 'vitest'
import { compileRules, type ConfigIssue } from '../src/index.js'

const issues: ConfigIssue[] = []
const rules = compileRules(
  [
    { path: '/orders/:id', methods: ['GET'], scopes: ['orders:read'] },
    { path: '/orders/:id', public: true },
    { path: '/files/*path', hosts: ['files.example.com'], authenticated: true },
    { path: '/api{/*rest}', hosts: ['*.example.com:8443'], deny: true },
  ],
  issues,
)
const at = (method: string, host: string, path: string) => rules.match(method, host, path)?.index

describe('compileRules', () => {
  it('first match wins, in the order written', () => {
    expect(at('GET', 'a', '/orders/1')).toBe(0)
    expect(at('DELETE', 'a', '/orders/1')).toBe(1)
    expect(issues).toEqual([])
  })
  it('GET covers HEAD; methods are case-insensitive', () => {
    expect(at('HEAD', 'a', '/orders/1')).toBe(0)
    expect(at('get', 'a', '/orders/1')).toBe(0)
  })
  it('hosts: exact on any port, a port when given, *. wildcards (not the bare domain)', () => {
    expect(at('GET', 'files.example.com', '/files/a/b')).toBe(2)
    expect(at('GET', 'files.example.com:8080', '/files/a/b')).toBe(2)
    expect(at('GET', 'FILES.example.com', '/files/a')).toBe(2)
    expect(at('GET', 'other.example.com', '/files/a')).toBeUndefined()
    expect(at('GET', 'x.example.com:8443', '/api/v1')).toBe(3)
    expect(at('GET', 'x.example.com:8443', '/api')).toBe(3)
    expect(at('GET', 'x.example.com', '/api/v1')).toBeUndefined()
    expect(at('GET', 'example.com:8443', '/api')).toBeUndefined()
  })
  it('paths match whole (a trailing slash allowed), case-insensitively as in Express; nothing matched → undefined (deny)', () => {
    expect(at('GET', 'a', '/orders')).toBeUndefined()
    expect(at('GET', 'a', '/orders/1/items')).toBeUndefined()
    expect(at('GET', 'a', '/orders/1/')).toBe(0)
    expect(at('GET', 'a', '/Orders/1')).toBe(0)
  })
  it('percent escapes are matched as sent', () => {
    expect(at('GET', 'a', '/orders/a%2Fb')).toBe(0) // one segment: %2F is not a separator
  })
})
