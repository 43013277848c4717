/**
 * A differential test against a real nginx: fast-check writes hostile spellings of paths
 * (dot segments plain and encoded, doubled slashes, encoded letters, slashes and backslashes,
 * `;`, NUL, double encoding, non-UTF-8, case) and sends each through the README's nginx config
 * to the gateway. The upstream echoes the path nginx routed on (`$uri`). Two properties:
 * - nothing nginx routes to a protected path passes without that path's requirement: for
 *   every answer the upstream gave, the credential sent satisfies the rule that `$uri` matches;
 * - agreement: with a credential that satisfies every rule, each request the gateway does not
 *   refuse reaches the upstream, and the rule matched on the gateway's canonical path is the
 *   rule matched on nginx's `$uri`; a request the gateway refuses never reaches it.
 */
import { canonicalPath } from '@bearerguard/core/adapter'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import fc from 'fast-check'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAvailable } from '../../../test/support/system-services.js'
import { compileRules, type GatewayConfigInput, type Rule } from '../src/index.js'
import { AUDIENCE, rawRequest, startGateway, type RunningGateway } from './helpers.js'
import { readmeServerBlock } from './nginx-config.js'
import { startNginx, type Nginx } from './nginx-process.js'

const RULES = [
  { path: '/public{/*rest}', public: true },
  { path: '/admin{/*rest}', scopes: ['admin'] },
  { path: '/{*any}', authenticated: true },
] satisfies GatewayConfigInput['rules']
const rules = compileRules(RULES, [])

/** Characters that stand raw in a canonical path; every other byte of `$uri` is escaped. */
const RAW = /^[A-Za-z0-9\-._~!$&'()*+,=:@/]$/

/** nginx's `$uri` (bytes, read as Latin-1) written as a canonical path, for the rule table. */
function encodeUri(uri: string): string {
  let out = ''
  for (const ch of uri) {
    const byte = ch.charCodeAt(0)
    out += RAW.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const ruleFor = (path: string): Rule | undefined => rules.match('GET', 'api.example.com', path)

/** Path pieces an attacker would combine. */
const piece = fc.constantFrom(
  '/',
  '//',
  '/./',
  '/../',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2F',
  '%2f',
  '%5C',
  '\\',
  ';',
  '%3B',
  ';x=1',
  '%00',
  '%09',
  '%20',
  '%25',
  '%2561',
  '%3F',
  '%23',
  '%C3%A9',
  '%C0%AE',
  '%zz',
  'public',
  'admin',
  'ADMIN',
  'Admin',
  '%61dmin',
  'adm%69n',
  '%41DMIN',
  '%70ublic',
  'x',
  '~',
  '%7E',
  '{',
  '|',
)
const hostilePath = fc
  .array(piece, { minLength: 1, maxLength: 8 })
  .map((parts) => `/${parts.join('')}`)

let issuer: TestIssuer
let gw: RunningGateway
let nginx: Nginx
let upstream: Server
let tokens: Record<'none' | 'reader' | 'admin', string | undefined>

// Skipped only when the service is missing outside CI; see test/support/system-services.ts.
describe.skipIf(!serviceAvailable('nginx'))('nginx and the gateway read every path alike', () => {
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE })
    gw = await startGateway({
      guard: { issuer: issuer.url, audience: AUDIENCE },
      rules: RULES,
      logging: { level: 'warn' },
    })
    // the upstream answers with the path nginx routed on, hex-encoded byte for byte
    upstream = createServer((req, res) => {
      // "[$uri]": brackets keep a leading or trailing space from being trimmed as OWS
      const uri = String(req.headers['x-nginx-uri'] ?? '').slice(1, -1)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ uri: Buffer.from(uri, 'latin1').toString('hex') }))
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    nginx = await startNginx(
      readmeServerBlock(
        gw.api.replace('http://', ''),
        upstreamUrl,
        '      proxy_set_header X-Nginx-Uri "[$uri]";',
      ),
    )
    tokens = {
      none: undefined,
      reader: await issuer.token({ sub: 'alice', scope: 'orders:read' }),
      admin: await issuer.token({ sub: 'root', scope: 'admin' }),
    }
  })
  afterAll(async () => {
    await nginx?.stop()
    await gw?.close()
    upstream?.closeAllConnections()
    await new Promise((resolve) => upstream?.close(resolve))
    await issuer?.close()
  })

  /** Sends `path` through nginx; the `$uri` the upstream saw, or undefined when it was not reached. */
  async function through(path: string, who: keyof typeof tokens) {
    const token = tokens[who]
    const res = await rawRequest(
      nginx.url,
      path,
      token
        ? [
            ['Host', 'api.example.com'],
            ['Authorization', `Bearer ${token}`],
          ]
        : [['Host', 'api.example.com']],
    )
    if (res.status !== 200) return { status: res.status, uri: undefined }
    const { uri } = JSON.parse(res.text) as { uri: string }
    return { status: res.status, uri: Buffer.from(uri, 'hex').toString('latin1') }
  }

  it('never lets a path nginx routes to a protected location through without its requirement', async () => {
    let reached = 0
    await fc.assert(
      fc.asyncProperty(
        hostilePath,
        fc.constantFrom('none', 'reader', 'admin'),
        async (path, who) => {
          const { uri } = await through(path, who as keyof typeof tokens)
          if (uri === undefined) return
          reached++
          const rule = ruleFor(encodeUri(uri))
          expect(rule, `${path} → $uri ${uri}`).toBeDefined()
          const action = rule?.action.kind
          if (action === 'scopes') expect(who, `${path} → $uri ${uri}`).toBe('admin')
          if (action === 'authenticated') expect(who, `${path} → $uri ${uri}`).not.toBe('none')
        },
      ),
      { numRuns: 400 },
    )
    expect(reached).toBeGreaterThan(20) // the property was not vacuous
  })

  it('agrees on the rule of every path the gateway does not refuse, and refused ones never pass', async () => {
    let agreed = 0
    await fc.assert(
      fc.asyncProperty(hostilePath, async (path) => {
        const canonical = canonicalPath(path)
        const { status, uri } = await through(path, 'admin')
        if (!canonical.ok) {
          expect(uri, `${path} was refused by the gateway but reached the upstream`).toBeUndefined()
          expect(status, path).toBe(400) // the gateway's or nginx's own
          return
        }
        // nginx may refuse on its own (e.g. `..` above the root); what it passes must agree
        if (uri === undefined) {
          expect(status, path).toBe(400)
          return
        }
        agreed++
        expect(encodeUri(uri), path).toBe(canonical.path)
        expect(ruleFor(encodeUri(uri))?.index, path).toBe(ruleFor(canonical.path)?.index)
      }),
      { numRuns: 400 },
    )
    expect(agreed).toBeGreaterThan(20)
  })

  it.each([
    '/public//../admin/x',
    '/public/..%2Fadmin/x',
    '/%61dmin/x',
    '/admin%2Fx',
    '/public/%2e%2e/admin',
    '/public;/../admin',
  ])('the outside suite’s %s never reaches the upstream without a token', async (path) => {
    const { status, uri } = await through(path, 'none')
    expect(uri).toBeUndefined()
    expect([400, 401]).toContain(status)
  })
})
