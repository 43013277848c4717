/**
 * Core loads without any Node builtin: esbuild bundles its entry points for a neutral platform
 * (no Node, no browser) with every Node builtin made an error, and the bundle verifies tokens
 * in a Node process stripped of `process` and `Buffer` — with jose's WebCrypto path, as on
 * Workers without nodejs_compat.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

const core = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'bearerguard-portable-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const BUILTINS = new Set(builtinModules)
const isBuiltin = (path: string) => path.startsWith('node:') || BUILTINS.has(path)

/**
 * Every import of a Node builtin (`node:x`, or a bare `crypto`, `buffer`, …) fails the build;
 * with `dynamic`, a dynamic `import()` of one is recorded there and left out instead.
 */
const noNodeBuiltins = (dynamic?: string[]): Plugin => ({
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, ({ path, importer, kind }) => {
      if (!isBuiltin(path)) return undefined
      if (dynamic && kind === 'dynamic-import') {
        dynamic.push(`${importer} imports "${path}" dynamically`)
        return { path, external: true }
      }
      return { errors: [{ text: `${importer} imports the Node builtin "${path}"` }] }
    })
  },
})

/** Cloudflare's wrangler resolves package exports with these conditions. */
const WORKERS = { conditions: ['workerd', 'worker', 'browser'] }

const bundle = (options: BuildOptions) =>
  build({
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    metafile: true,
    plugins: [noNodeBuiltins()],
    ...options,
  })
const entries = { index: join(core, 'src/index.ts'), adapter: join(core, 'src/adapter/index.ts') }

describe('core bundled for a neutral platform, Node builtins forbidden', () => {
  it('the check bites: a module importing node:crypto does not bundle', async () => {
    await expect(
      bundle({
        stdin: {
          contents: "import { createHash } from 'node:crypto'; createHash('sha256')",
          resolveDir: core,
        },
        write: false,
      }),
    ).rejects.toThrow(/imports the Node builtin "node:crypto"/)
  })
  it.each([
    ['neutral, with the conditions of Workers', { platform: 'neutral', ...WORKERS }],
    ['browser, with the conditions of Workers', { platform: 'browser', ...WORKERS }],
    ['browser', { platform: 'browser' }],
  ] as [string, BuildOptions][])(
    'both entry points (and jose, zod, lru-cache, @noble/hashes) bundle for %s, importing nothing',
    async (_, platform) => {
      const result = await bundle({
        entryPoints: entries,
        outdir: join(out, 'entries'),
        ...platform,
      })
      expect(result.errors).toEqual([])
      const metafile = result.metafile as Metafile
      const outputs = Object.values(metafile.outputs)
      expect(outputs.flatMap((output) => output.imports)).toEqual([])
      const inputs = Object.keys(metafile.inputs).join('\n')
      for (const dependency of ['jose', 'zod', 'lru-cache', '@noble/hashes']) {
        expect(inputs).toContain(`node_modules/${dependency}/`)
      }
    },
  )
  it('without any condition, only lru-cache’s default entry asks for a builtin: a dynamic, caught import', async () => {
    const dynamic: string[] = []
    const result = await bundle({
      entryPoints: entries,
      outdir: join(out, 'plain'),
      plugins: [noNodeBuiltins(dynamic)],
    })
    expect(result.errors).toEqual([])
    expect(dynamic.length).toBeGreaterThan(0)
    for (const line of dynamic)
      expect(line).toMatch(/node_modules\/lru-cache\/.* "node:diagnostics_channel"/)
  })
  it('the bundle verifies tokens where there is no process, no Buffer and no node:crypto', async () => {
    const smoke = join(out, 'smoke.mjs')
    await bundle({
      ...WORKERS,
      stdin: {
        resolveDir: core,
        sourcefile: 'smoke.ts',
        loader: 'ts',
        contents: `
          import { CompactSign, exportJWK, generateKeyPair } from 'jose'
          import { createGuard, AuthError } from './src/index.ts'
          import { nodeBuiltins } from './src/platform/node-builtins.ts'
          import { sha256Base64url } from './src/platform/sha256.ts'
          export async function main() {
            const { privateKey, publicKey } = await generateKeyPair('ES256')
            const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
            const issuer = 'https://as.example.com', audience = 'https://api.example.com'
            const guard = createGuard({ issuer, audience, keys: [jwk] })
            const sign = (claims) => new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
              .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey)
            const claims = { iss: issuer, aud: audience, sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 }
            const request = (token) => ({ method: 'GET', url: audience + '/orders', headers: { authorization: 'Bearer ' + token } })
            const token = await sign(claims)
            const auth = await guard.authenticate(request(token))
            const [h, , s] = token.split('.')
            const forged = h + '.' + (await sign({ ...claims, sub: 'mallory' })).split('.')[1] + '.' + s
            const status = await guard.authenticate(request(forged)).then(() => 200, (e) => e instanceof AuthError ? e.status : String(e))
            return {
              builtins: Object.values(nodeBuiltins()).filter(Boolean).length,
              subject: auth.subject,
              forged: status,
              sha256: sha256Base64url('abc'),
            }
          }`,
      },
      outfile: smoke,
    })
    const run = join(out, 'run.mjs')
    writeFileSync(
      run,
      `const print = console.log
      for (const name of ['process', 'Buffer', 'global', 'setImmediate', 'require']) delete globalThis[name]
      const { main } = await import('./smoke.mjs')
      print(JSON.stringify({ process: typeof process, Buffer: typeof Buffer, ...(await main()) }))`,
    )
    const answer = JSON.parse(execFileSync(process.execPath, [run], { encoding: 'utf8' }))
    expect(answer).toEqual({
      process: 'undefined',
      Buffer: 'undefined',
      builtins: 0,
      subject: 'alice',
      forged: 401,
      sha256: 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    })
  })
})
