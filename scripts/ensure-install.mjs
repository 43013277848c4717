// Installs the workspace with pnpm (through npx, so a machine with only Node and npm works)
// when node_modules is missing or older than the lockfile. A no-op when up to date.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PNPM = 'pnpm@10.34.9'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const lock = join(root, 'pnpm-lock.yaml')
const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml')

function upToDate() {
  if (!existsSync(installed) || !existsSync(lock)) return false
  return readFileSync(installed, 'utf8') === readFileSync(lock, 'utf8')
}

if (!upToDate()) {
  const pnpmOnPath = (process.env.npm_config_user_agent ?? '').startsWith('pnpm/')
  const [cmd, args] = pnpmOnPath
    ? ['pnpm', ['install', '--frozen-lockfile']]
    : ['npx', ['--yes', PNPM, 'install', '--frozen-lockfile']]
  console.log(`bearerguard: installing dependencies (${cmd} ${args.join(' ')})`)
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })
}
