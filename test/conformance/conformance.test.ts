/** Runs the conformance and attack table against every adapter, and keeps docs/conformance.md in step. */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ADAPTERS } from '../adapters/harness.js'
import { AUDIENCE, CASES, describeAnswer, type CaseContext, type ConformanceCase } from './cases.js'
import { renderConformanceDoc } from './render-doc.js'

/**
 * RFC 6750 §3: a Bearer challenge of quoted auth-params holding only allowed characters; a 401
 * also advertises DPoP (allowed by default) with a second challenge, RFC 9449 §7.1.
 */
const PARAM = '[a-z_]+="[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"'
const CHALLENGE = new RegExp(`^Bearer ${PARAM}(, ${PARAM})*(, DPoP algs="[A-Za-z0-9 ]+")?$`)
/** RFC 9449 §7.1: a DPoP request is answered with a DPoP challenge, `algs` included. */
const DPOP_CHALLENGE = new RegExp(`^DPoP ${PARAM}(, ${PARAM})*$`)

describe.each(ALL_ADAPTERS)('conformance on %s', (adapter, makeApp) => {
  let issuer: TestIssuer
  let attacker: Server
  let hits = 0
  const ctx = {} as CaseContext

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    attacker = createServer((_req, res) => {
      hits++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}')
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    Object.assign(ctx, {
      issuer,
      attackerUrl: `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/keys`,
      attackerHits: () => hits,
      now: () => Math.floor(Date.now() / 1000),
    })
  })
  afterEach(() => {
    issuer.setJwks(undefined)
    issuer.fault('all', undefined)
    hits = 0
  })
  afterAll(async () => {
    await issuer.close()
    attacker.closeAllConnections()
    attacker.close()
  })

  for (const group of [...new Set(CASES.map((c) => c.group))]) {
    describe(group, () => {
      for (const c of CASES.filter(
        (x) => x.group === group && !x.notOn?.adapters.includes(adapter),
      )) {
        it(`${c.title} [${c.ref}] → ${describeAnswer(c)}`, () => runCase(c))
      }
    })
  }

  async function runCase(c: ConformanceCase): Promise<void> {
    await c.setup?.(ctx)
    const app = makeApp({
      issuer: issuer.url,
      audience: AUDIENCE,
      jwksCooldown: 0,
      ...c.guard,
      ...c.guardFor?.(ctx),
    })
    const r = await c.request(ctx)
    const path = `${r.path ?? '/api/me'}${r.query ? `?${r.query}` : ''}`
    const send = () => {
      let req = r.method === 'POST' ? request(app).post(path) : request(app).get(path)
      // an array sends the header once per value
      if (r.authorization !== undefined) req = req.set('Authorization', r.authorization as string)
      for (const [name, value] of Object.entries(r.headers ?? {})) {
        req = req.set(name, value as string)
      }
      if (r.form) req = req.type('form').send(r.form)
      if (r.json) req = req.send(r.json)
      return req
    }
    let res = await send()
    for (let i = 1; i < (r.times ?? 1); i++) {
      expect(res.status).toBe(200)
      res = await send()
    }
    const expected = c.expect
    const challenge = res.headers['www-authenticate'] as string | undefined
    if (expected.status === 'refused') {
      expect(expected.oneOf).toContain(res.status)
      expect(res.body).not.toMatchObject({ admin: true }) // /api/admin's answer
      // a 400 for a path (not a credential) has no challenge; a 401 or 403 has the usual one
      if (res.status === 400) expect(res.body.error).toBe('invalid_request')
      if (res.status === 401 || res.status === 403) expect(challenge).toMatch(CHALLENGE)
      return
    }
    expect(res.status).toBe(expected.status)
    if (expected.status === 200) {
      // /api/me answers the AuthInfo; /api/orders the caller's subject and scopes
      if (path.startsWith('/api/orders')) expect(res.body.scopes).toContain('orders:read')
      else if (/^\/api\/(mfa|recent|roles|tenant|checked)/.test(path)) {
        expect(res.body.subject).toBe('alice')
      } else expect(res.body).toMatchObject({ issuer: issuer.url })
    } else if (expected.status === 500) {
      expect(challenge).toBeUndefined()
    } else if (expected.status === 503) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(challenge ?? '').not.toContain('invalid_token')
    } else {
      // DPoP requests (unless the guard does not know the scheme) and guards that require DPoP
      // are answered in the DPoP scheme; everything else in the Bearer scheme
      const dpopScheme =
        c.guard?.dpop === 'required' ||
        (r.authorization?.toString().startsWith('DPoP ') === true && !('bare' in expected))
      expect(challenge).toMatch(dpopScheme ? DPOP_CHALLENGE : CHALLENGE)
      const names = [...(challenge as string).matchAll(/([a-z_]+)="/g)].map((m) => m[1])
      expect(new Set(names).size).toBe(names.length) // no parameter repeated (RFC 6750 §3)
      if ('bare' in expected) {
        expect(challenge).not.toContain('error=')
      } else {
        expect(challenge).toContain(`error="${expected.error}"`)
        expect(res.body.error).toBe(expected.error)
        if (expected.status === 403) {
          if (expected.scope === null) expect(challenge).not.toMatch(/(^|[ ,])scope=/)
          else expect(challenge).toContain(`scope="${expected.scope}"`)
        }
        if (expected.error === 'insufficient_user_authentication') {
          const param = (name: string) =>
            new RegExp(`${name}="([^"]*)"`).exec(challenge as string)?.[1]
          expect(param('acr_values')).toBe(expected.acrValues)
          expect(param('max_age')).toBe(expected.maxAge)
        }
      }
      for (const [name, value] of Object.entries(c.challenge ?? {})) {
        expect(challenge).toContain(`${name}="${value}"`)
      }
    }
    c.check?.(ctx)
  }
})

describe('docs/conformance.md', () => {
  it('lists every case with its expected answer (regenerate with pnpm conformance:doc)', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'conformance.md')
    expect(readFileSync(file, 'utf8')).toBe(
      renderConformanceDoc(ALL_ADAPTERS.map(([name]) => name)),
    )
  })
})
