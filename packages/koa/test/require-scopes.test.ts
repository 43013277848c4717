import Router from '@koa/router'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { requireAnyScope, requireScopes } from '../src/index.js'
import { koaVersions } from './app.js'

describe.each(koaVersions)('requireScopes on %s', (_name, Koa) => {
  it('without bearerAuth fails loudly (500, emitted), never open', async () => {
    const app = new Koa()
    const emitted: unknown[] = []
    app.on('error', (err: unknown) => emitted.push(err))
    const router = new Router()
    router.get('/x', requireScopes('a'), (ctx) => {
      ctx.body = 'open'
    })
    router.get('/y', requireAnyScope('a', 'b'), (ctx) => {
      ctx.body = 'open'
    })
    app.use(router.routes())
    for (const path of ['/x', '/y']) {
      const res = await request(app.callback()).get(path)
      expect(res.status).toBe(500)
      expect(res.text).not.toContain('open')
    }
    expect(emitted).toHaveLength(2)
    expect((emitted[0] as Error).message).toMatch(/requireScopes\(\).*bearerAuth\(\)/)
    expect((emitted[1] as Error).message).toMatch(/requireAnyScope\(\).*bearerAuth\(\)/)
  })
})

describe('scope lists are checked at start-up', () => {
  it('requireScopes() and requireAnyScope() with no scope throw', () => {
    expect(() => requireScopes()).toThrow(TypeError)
    expect(() => requireScopes()).toThrow(/requireScopes\(\) needs at least one scope/)
    expect(() => requireAnyScope()).toThrow(/requireAnyScope\(\) needs at least one scope/)
  })

  it('an invalid scope throws', () => {
    expect(() => requireScopes('orders read')).toThrow(/invalid scope/)
    expect(() => requireAnyScope('ok', 'bad"quote')).toThrow(/invalid scope/)
  })
})
