/**
 * The package.json fields every publishable package must get right, checked without a build
 * (`pnpm check:packages` runs publint and attw on the packed tarballs after a build).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
interface PackageJson {
  name: string
  private?: boolean
  type?: string
  license?: string
  engines?: Record<string, string>
  scripts?: Record<string, string>
  repository?: { type: string; url: string; directory?: string }
  publishConfig?: Record<string, string>
  exports: Record<string, Record<string, string>>
  types?: string
  files?: string[]
  sideEffects?: boolean | string[]
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson
const rootPackage = readJson(join(root, 'package.json'))
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8')

const packages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .map((name) => ({ name, dir: join(root, 'packages', name) }))
  .map((p) => ({ ...p, json: readJson(join(p.dir, 'package.json')) }))
  .filter((p) => p.json.private !== true)

describe('the root', () => {
  it('is MIT licensed and names Node >= 20.19', () => {
    expect(rootPackage.license).toBe('MIT')
    expect(rootLicense).toMatch(/^MIT License\n/)
    expect(rootPackage.engines).toEqual({ node: '>=20.19' })
  })

  it('has the scripts CI and the README promise', () => {
    for (const script of ['start', 'test', 'lint', 'build', 'check:packages', 'docs']) {
      expect(rootPackage.scripts, script).toHaveProperty(script)
    }
  })
})

describe('changesets', () => {
  const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')) as {
    fixed: string[][]
    access: string
    privatePackages: { version: boolean; tag: boolean }
  }

  it('versions every publishable package together, publicly, and leaves private ones alone', () => {
    expect(config.fixed).toHaveLength(1)
    expect([...(config.fixed[0] ?? [])].sort()).toEqual(packages.map((p) => p.json.name).sort())
    expect(config.access).toBe('public')
    expect(config.privatePackages).toEqual({ version: false, tag: false })
  })
})

describe.each(packages.map((p) => [p.json.name, p] as const))('%s', (_name, pkg) => {
  const { json } = pkg

  it('is MIT licensed and ships the LICENSE of the repository', () => {
    expect(json.license).toBe('MIT')
    expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(rootLicense)
    expect(json.files).toContain('LICENSE')
  })

  it('is ESM for Node >= 20.19, public, with a repository pointing at its folder', () => {
    expect(json.type).toBe('module')
    expect(json.engines).toEqual(rootPackage.engines)
    expect(json.publishConfig).toEqual({ access: 'public' })
    expect(json.repository).toEqual({
      type: 'git',
      url: packages[0]?.json.repository?.url,
      directory: `packages/${pkg.name}`,
    })
    expect(json.repository?.url).toMatch(/^git\+https:\/\/\S+\.git$/)
  })

  it('exports the sources first under @bearerguard/source, then types, then the build', () => {
    const dot = json.exports['.'] ?? {}
    expect(Object.keys(dot)).toEqual(['@bearerguard/source', 'types', 'default'])
    expect(dot).toEqual({
      '@bearerguard/source': './src/index.ts',
      types: './dist/index.d.ts',
      default: './dist/index.js',
    })
    expect(json.types).toBe('./dist/index.d.ts')
    expect(existsSync(join(pkg.dir, 'src', 'index.ts'))).toBe(true)
  })

  it('publishes dist without its build info, and src (which the source condition and the source maps point to)', () => {
    expect(json.files).toEqual(
      expect.arrayContaining(['dist', '!dist/.tsbuildinfo', 'src', 'README.md']),
    )
  })

  it('declares its side effects: none, or modules that exist', () => {
    const { sideEffects } = json
    if (sideEffects === false) return
    expect(Array.isArray(sideEffects)).toBe(true)
    for (const file of sideEffects as string[]) {
      const source = file.startsWith('./dist/')
        ? file.replace('./dist/', './src/').replace(/\.js$/, '.ts')
        : file
      expect(existsSync(join(pkg.dir, source)), file).toBe(true)
    }
  })
})
