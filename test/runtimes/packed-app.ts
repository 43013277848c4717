/**
 * The runtime tests' app as users would get it: `@bearerguard/core` and `@bearerguard/hono`
 * packed (`pnpm pack`, what npm would publish, built by `tsc -b`), unpacked into a temporary
 * project whose other dependencies (jose, hono, …) are the workspace's installed ones, then
 * bundled with esbuild: for Node (`node.mjs`, with @hono/node-server) and, with no Node-only
 * module allowed, for Bun, Deno and workerd (`bun.mjs`, `deno.mjs`, `worker.mjs`).
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')

/** The packed packages bundled in a temporary directory. */
export interface PackedApp {
  dir: string
  node: string
  bun: string
  deno: string
  worker: string
}

const PACKED = ['core', 'hono'] as const

/** Packs, unpacks, links and bundles; takes a few seconds. */
export async function buildPackedApp(): Promise<PackedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'bg-runtimes-'))
  const modules = join(dir, 'node_modules')
  execFileSync('pnpm', ['exec', 'tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' })
  const linked = new Set<string>()
  for (const name of PACKED) {
    const packageDir = join(root, 'packages', name)
    const out = execFileSync('pnpm', ['pack', '--pack-destination', dir], {
      cwd: packageDir,
      encoding: 'utf8',
    })
    const tarball = out.trim().split('\n').at(-1) as string
    const target = join(modules, '@bearerguard', name)
    mkdirSync(target, { recursive: true })
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      peerDependencies?: Record<string, string>
    }
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (dep.startsWith('@bearerguard/') || linked.has(dep)) continue
      link(dep, modules, [join(packageDir, 'node_modules'), join(root, 'test', 'node_modules')])
      linked.add(dep)
    }
  }
  link('@hono/node-server', modules, [
    join(root, 'packages', 'hono', 'node_modules'),
    join(root, 'test', 'node_modules'),
  ])
  // the app's sources, so they resolve the packed packages, not the workspace's
  cpSync(here, join(dir, 'src'), {
    recursive: true,
    filter: (path) => !path.endsWith('.test.ts'),
  })
  const entry = (name: string) => join(dir, 'src', 'entries', `${name}.ts`)
  const common = { bundle: true, format: 'esm', absWorkingDir: dir, logLevel: 'silent' } as const
  await build({
    ...common,
    entryPoints: [entry('node')],
    platform: 'node',
    outfile: join(dir, 'node.mjs'),
  })
  for (const name of ['bun', 'deno', 'worker'] as const) {
    await build({
      ...common,
      entryPoints: [entry(name)],
      // no Node built-in may be imported: a `node:` import fails the build
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: name === 'worker' ? ['workerd', 'worker', 'browser'] : [],
      outfile: join(dir, `${name}.mjs`),
    })
  }
  return {
    dir,
    node: join(dir, 'node.mjs'),
    bun: join(dir, 'bun.mjs'),
    deno: join(dir, 'deno.mjs'),
    worker: join(dir, 'worker.mjs'),
  }
}

/** Links the installed `dep` (found in the first of `from` that has it) into `modules`. */
function link(dep: string, modules: string, from: string[]): void {
  const source = from.map((d) => join(d, dep)).find((path) => existsSync(path))
  if (!source) throw new Error(`runtime tests: ${dep} is not installed (pnpm install)`)
  const target = join(modules, dep)
  mkdirSync(dirname(target), { recursive: true })
  if (!existsSync(target)) symlinkSync(realpathSync(source), target, 'dir')
}
