// `pnpm check:packages`: builds the packages (tsc -b, a no-op when dist is up to date), then
// checks each publishable package as npm would pack it: publint (package.json fields, exports,
// files) and @arethetypeswrong/cli (types resolve for every module resolution).
//
// attw's one ignored rule, cjs-resolves-to-esm: the packages are ESM only, on purpose. Node
// >= 20.19 (the packages' `engines`) can require() ESM, so CommonJS users are served without a
// second build; attw still reports it because older Node versions could not.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit' })
}

const packages = readdirSync(join(root, 'packages'))
  .map((name) => join('packages', name))
  .filter((dir) => {
    try {
      return !JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).private
    } catch {
      return false
    }
  })
  .sort()

console.log('== build (tsc -b)')
run(bin('tsc'), ['-b', 'tsconfig.build.json'])

const failed = []
for (const dir of packages) {
  console.log(`\n== ${dir}`)
  try {
    run(bin('publint'), ['run', dir, '--strict', '--pack', 'npm'])
    run(bin('attw'), ['--pack', dir, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table'])
  } catch {
    failed.push(dir)
  }
}

if (failed.length > 0) {
  console.error(`\ncheck:packages failed for ${failed.join(', ')}`)
  process.exit(1)
}
console.log(`\ncheck:packages: ${packages.length} packages pass publint and attw`)
