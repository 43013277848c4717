/**
 * Where the runtimes are: `bun`, `deno` and `workerd` are devDependencies of the test package,
 * installed from the npm registry by `pnpm install`. pnpm does not run bun's install script,
 * so bun's binary is taken from its platform package (`@oven/bun-<os>-<arch>`) directly.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(
  join(dirname(new URL(import.meta.url).pathname), '..', 'package.json'),
)

/** The runtime binaries, or a message saying which one is missing. */
export function runtimeBinaries(): { bun: string; deno: string; workerd: string } {
  return { bun: bunBinary(), deno: binOf('deno'), workerd: binOf('workerd') }
}

function binOf(name: string): string {
  const path = join(dirname(new URL(import.meta.url).pathname), '..', 'node_modules', '.bin', name)
  if (!existsSync(path)) throw new Error(`runtime tests: ${name} is not installed (pnpm install)`)
  return path
}

function bunBinary(): string {
  const bunPackage = require.resolve('bun/package.json')
  const fromBun = createRequire(bunPackage)
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x64'
  for (const variant of [`${process.platform}-${arch}`, `${process.platform}-${arch}-baseline`]) {
    try {
      const dir = dirname(fromBun.resolve(`@oven/bun-${variant}/package.json`))
      const binary = join(dir, 'bin', 'bun')
      if (existsSync(binary)) return binary
    } catch {
      // not this variant
    }
  }
  throw new Error('runtime tests: no bun binary for this platform (pnpm install)')
}
