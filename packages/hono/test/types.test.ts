/** Compile-time checks (run by tsc) that the identity is typed, with a runtime smoke test. */
import type { AuthInfo } from '@bearerguard/core'
import { Hono } from 'hono'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { bearerAuth, requireScopes, type BearerAuthEnv } from '../src/index.js'

describe('typing', () => {
  it('c.get("auth") and c.var.auth are AuthInfo | undefined on any app (ContextVariableMap)', () => {
    const app = new Hono()
    app.get('/api/orders', requireScopes('orders:read'), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AuthInfo | undefined>()
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthInfo | undefined>()
      return c.json(c.get('auth'))
    })
    expect(app).toBeDefined()
  })

  it('and through the Hono<Env> generic', () => {
    const app = new Hono<BearerAuthEnv>()
    const middleware = bearerAuth({
      issuer: 'https://as.example.com',
      audience: 'https://api.example.com',
    })
    app.get('/me', middleware, (c) => {
      expectTypeOf(c.var.auth?.subject).toEqualTypeOf<string | undefined>()
      return c.json({ sub: c.var.auth?.subject })
    })
    expect(app).toBeDefined()
  })
})
