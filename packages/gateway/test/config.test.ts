/** Configuration files: every mistake reported with its path and the fix; `--check` from the CLI. */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayConfigError, loadConfig, parseConfig } from '../src/index.js'

const run = promisify(execFile)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-config-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const GUARD = { issuer: 'https://as.example.com', audience: 'https://api.example.com' }
const RULES = [{ path: '/orders', scopes: ['orders:read'] }]

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

/** The issues of a configuration that must fail. */
function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseConfig(value)
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError)
    return [...(error as GatewayConfigError).issues]
  }
  throw new Error('expected the configuration to be rejected')
}

describe('step-up rules (RFC 9470)', () => {
  it('acrValues and maxAge go with scopes or authenticated, not with public or deny', () => {
    expect(() =>
      parseConfig({
        guard: GUARD,
        rules: [{ path: '/mfa', authenticated: true, acrValues: ['urn:mfa'], maxAge: 300 }],
      }),
    ).not.toThrow()
    expect(issuesOf({ guard: GUARD, rules: [{ path: '/p', public: true, maxAge: 300 }] })).toEqual([
      expect.objectContaining({ path: 'rules[0].maxAge' }),
    ])
    expect(
      issuesOf({ guard: GUARD, rules: [{ path: '/p', authenticated: true, maxAge: -1 }] }),
    ).toHaveLength(1)
  })
})

describe('loadConfig', () => {
  it('reads YAML with ${ENV:NAME} secrets, defaults applied', async () => {
    const path = await file(
      'ok.yaml',
      `guard:
  issuer: https://as.example.com
  audience: https://api.example.com
  introspection:
    clientId: gateway
    clientSecret: \${ENV:BG_TEST_SECRET}
rules:
  - path: /orders/:id
    methods: [get]
    scopes: [orders:read]
`,
    )
    const { config, rules } = await loadConfig(path, { BG_TEST_SECRET: 's3cr3t' })
    expect((config.guard.introspection as { clientSecret: string }).clientSecret).toBe('s3cr3t')
    expect(config.api).toEqual({ host: '127.0.0.1', port: 4456 })
    expect(config.forwardAuth).toEqual({ nginx: '/nginx', traefik: '/traefik', envoy: '/envoy' })
    expect(config.identity.headers.subject).toBe('x-auth-subject')
    expect(rules.match('GET', 'a', '/orders/7')?.index).toBe(0)
  })
  it('reads JSON', async () => {
    const path = await file('ok.json', JSON.stringify({ guard: GUARD, rules: RULES }))
    expect((await loadConfig(path)).config.rules).toHaveLength(1)
  })
  it('a missing environment variable names the path and the variable', async () => {
    const path = await file(
      'env.yaml',
      'guard:\n  issuer: ${ENV:BG_NOT_SET}\n  audience: x\nrules: []\n',
    )
    await expect(loadConfig(path, {})).rejects.toMatchObject({
      // reported together with the rest of the file's problems
      issues: expect.arrayContaining([
        { path: 'guard.issuer', message: expect.stringContaining('BG_NOT_SET is not set') },
        { path: 'rules', message: expect.stringContaining('needs at least one rule') },
      ]),
    })
  })
  it('a missing file, and invalid YAML', async () => {
    await expect(loadConfig(join(dir, 'nope.yaml'))).rejects.toThrow(
      /does not exist: check the --config path/,
    )
    const path = await file('bad.yaml', 'guard: [\n')
    await expect(loadConfig(path)).rejects.toThrow(/is not valid YAML or JSON/)
  })
  it('a repeated key in YAML is an error, not a silent override', async () => {
    const path = await file('dup.yaml', `guard: { issuer: a, audience: b }\nrules: []\nrules: []\n`)
    await expect(loadConfig(path)).rejects.toThrow(/not valid YAML/)
  })
})

describe('every mistake with its path and the fix', () => {
  it('missing sections', () => {
    expect(issuesOf({})).toEqual(
      expect.arrayContaining([
        { path: 'guard', message: 'is required (object)' },
        { path: 'rules', message: 'is required (array)' },
      ]),
    )
  })
  it('an unknown option (a typo)', () => {
    expect(issuesOf({ guard: GUARD, rules: RULES, proxi: {} })).toEqual([
      {
        path: '(file)',
        message: expect.stringMatching(/unknown option "proxi": check the spelling/),
      },
    ])
  })
  it('a wrong type', () => {
    expect(issuesOf({ guard: GUARD, rules: RULES, api: { port: '80' } })).toEqual([
      { path: 'api.port', message: 'must be a number, not string "80"' },
    ])
  })
  it('a rule with no action, two actions, or scopesMatch without scopes', () => {
    const issues = issuesOf({
      guard: GUARD,
      rules: [
        { path: '/a' },
        { path: '/b', public: true, deny: true },
        { path: '/c', authenticated: true, scopesMatch: 'any' },
      ],
    })
    expect(issues).toEqual([
      { path: 'rules[0]', message: expect.stringContaining('needs one of "scopes: [...]"') },
      { path: 'rules[1]', message: expect.stringContaining('keep exactly one of') },
      { path: 'rules[2].scopesMatch', message: 'only applies with "scopes"' },
    ])
  })
  it('a bad path pattern, scope, method, host and header name', () => {
    const issues = issuesOf({
      guard: GUARD,
      rules: [
        { path: '/files/:', authenticated: true },
        { path: '/x', scopes: ['has space'] },
        { path: '/y', methods: ['G ET'], authenticated: true },
        { path: '/z', hosts: ['http://x'], authenticated: true },
      ],
      identity: { headers: { subject: 'X Subject' } },
    })
    // one run reports them all, the path pattern too
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'rules[0].path',
        'rules[1].scopes[0]',
        'rules[2].methods[0]',
        'rules[3].hosts[0]',
        'identity.headers.subject',
      ].sort(),
    )
    expect(issues.find((i) => i.path === 'rules[1].scopes[0]')?.message).toContain(
      'RFC 6749 scope token',
    )
    expect(issuesOf({ guard: GUARD, rules: [{ path: '/files/:', authenticated: true }] })).toEqual([
      { path: 'rules[0].path', message: expect.stringContaining('use path-to-regexp 8 syntax') },
    ])
  })
  it('no rules at all', () => {
    expect(issuesOf({ guard: GUARD, rules: [] })).toEqual([
      { path: 'rules', message: expect.stringContaining('needs at least one rule') },
    ])
  })
  it('a bad trusted proxy address', () => {
    expect(
      issuesOf({ guard: GUARD, rules: RULES, trustedProxies: ['10.0.0.0/8', 'nope'] }),
    ).toEqual([
      {
        path: 'trustedProxies[1]',
        message: expect.stringContaining('"nope" is not an IP address'),
      },
    ])
  })
  it("the guard's own checks, reported under guard.", () => {
    expect(issuesOf({ guard: { issuer: 'not a url', audience: 'x' }, rules: RULES })).toEqual([
      { path: expect.stringMatching(/^guard\.issuer/), message: expect.any(String) },
    ])
    expect(issuesOf({ guard: { issuer: GUARD.issuer }, rules: RULES })).toEqual([
      { path: 'guard.audience', message: expect.stringContaining('is required') },
    ])
  })
  it("every problem of the guard section, with the file's other problems", () => {
    const issues = issuesOf({
      guard: {
        ...GUARD,
        clockTolerance: -1,
        typ: 'loose',
        secret: 'x'.repeat(32),
        jwksUri: 'https://as.example.com/jwks',
        algorithms: ['RS256', 'none'],
      },
      rules: RULES,
      trustedProxies: ['nope'],
    })
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'guard.clockTolerance',
        'guard.typ',
        'guard.secret',
        'guard.algorithms',
        'trustedProxies[0]',
      ].sort(),
    )
    expect(issues.find((i) => i.path === 'guard.secret')?.message).toBe(
      'cannot be combined with "jwksUri": give one source of keys per issuer',
    )
  })
  it('the guard is checked even when the rest of the file has the wrong shape', () => {
    const issues = issuesOf({
      guard: { audience: 'x', clockTolerance: -1, audiance: 'y' },
      rules: [],
      api: { port: '80' },
    })
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'guard.issuer', message: expect.stringContaining('is required') },
        { path: 'guard.clockTolerance', message: 'must be zero or more seconds' },
        { path: 'guard.audiance', message: expect.stringContaining('is not a known option') },
        { path: 'rules', message: expect.stringContaining('needs at least one rule') },
        { path: 'api.port', message: 'must be a number, not string "80"' },
      ]),
    )
    expect(issues.filter((i) => i.path === 'guard.issuer')).toHaveLength(1) // not twice
    expect(issues).toHaveLength(5)
  })
  it('a bad proxy upstream and Redis URL', () => {
    const issues = issuesOf({
      guard: {
        ...GUARD,
        introspection: { clientId: 'g', clientSecret: 's', cache: { redis: { url: 'http://x' } } },
      },
      rules: RULES,
      proxy: { port: 8080, upstream: 'ftp://x' },
    })
    expect(issues).toEqual([
      {
        path: 'guard.introspection.cache.redis.url',
        message: 'must be a redis:// or rediss:// URL',
      },
      { path: 'proxy.upstream', message: 'must be an absolute http:// or https:// URL' },
    ])
  })
})

describe('bearerguard-gateway --check', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
  const cli = [
    '--conditions=@bearerguard/source',
    '--import',
    'tsx',
    join(root, 'packages/gateway/src/cli.ts'),
  ]
  const check = (path: string) =>
    run(process.execPath, [...cli, '--config', path, '--check'], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    )

  it('exits 0 and says what it checked', async () => {
    const path = await file(
      'cli-ok.yaml',
      `guard: ${JSON.stringify(GUARD)}\nrules: ${JSON.stringify(RULES)}\n`,
    )
    const { code, stdout } = await check(path)
    expect(code).toBe(0)
    expect(stdout).toContain('valid (1 rule, decision API on 127.0.0.1:4456)')
  })
  it('exits 2 with every issue on stderr', async () => {
    const path = await file(
      'cli-bad.yaml',
      'guard: { issuer: https://as.example.com }\nrules: []\n',
    )
    const { code, stderr } = await check(path)
    expect(code).toBe(2)
    expect(stderr).toContain('- guard.audience: ')
    expect(stderr).toContain('- rules: needs at least one rule')
  })
  it('prints every problem at once, several in guard among them', async () => {
    const path = await file(
      'cli-many.yaml',
      [
        'guard:',
        '  issuer: https://as.example.com',
        '  audience: https://api.example.com',
        '  clockTolerance: -1',
        `  secret: ${'x'.repeat(32)}`,
        '  jwksUri: https://as.example.com/jwks',
        '  algorithms: [RS256, none]',
        'api: { port: "80" }',
        'rules: []',
        '',
      ].join('\n'),
    )
    const { code, stderr } = await check(path)
    expect(code).toBe(2)
    for (const line of [
      '- guard.clockTolerance: must be zero or more seconds',
      '- guard.secret: cannot be combined with "jwksUri"',
      '- guard.algorithms: may not include "none"',
      '- api.port: must be a number',
      '- rules: needs at least one rule',
    ]) {
      expect(stderr).toContain(line)
    }
  })
})
