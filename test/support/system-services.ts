/**
 * The system services some suites need (a real nginx with `auth_request`, a real
 * redis-server). Outside CI a suite whose service is missing is skipped, announced by one line
 * saying what to install; with `CI=true` a missing service fails the run, so CI cannot skip a
 * suite silently. Checked once per process, synchronously, so it can gate `describe.skipIf`.
 */
import { spawnSync } from 'node:child_process'

/** A service the tests can start. */
export type SystemService = 'nginx' | 'redis-server'

const INSTALL: Record<SystemService, string> = {
  nginx: 'apt-get install -y nginx (Debian/Ubuntu; needs the auth_request module)',
  'redis-server':
    'apt-get install -y redis-server (Debian/Ubuntu), or set REDIS_SERVER to its path',
}

const known = new Map<SystemService, string | undefined>()

/** Why `service` cannot run here, or undefined when it can. */
function problemOf(service: SystemService): string | undefined {
  if (service === 'redis-server') {
    const binary = process.env.REDIS_SERVER ?? 'redis-server'
    const run = spawnSync(binary, ['--version'], { encoding: 'utf8' })
    return run.error || run.status !== 0 ? `${binary} is not installed` : undefined
  }
  const run = spawnSync('nginx', ['-V'], { encoding: 'utf8' })
  if (run.error || run.status !== 0) return 'nginx is not installed'
  if (!`${run.stdout}${run.stderr}`.includes('--with-http_auth_request_module')) {
    return 'nginx lacks the auth_request module'
  }
  return undefined
}

/**
 * True when `service` can be started here. When it cannot: with `CI=true` this throws (the
 * suite fails); otherwise it prints one line naming what to install and returns false, for
 * `describe.skipIf(!serviceAvailable('nginx'))`.
 *
 * @example
 * ```ts
 * describe.skipIf(!serviceAvailable('redis-server'))('with a real Redis', () => { … })
 * ```
 */
export function serviceAvailable(service: SystemService): boolean {
  if (!known.has(service)) {
    const problem = problemOf(service)
    known.set(service, problem)
    if (problem && process.env.CI !== 'true') {
      console.warn(`skipped: ${problem}; install it to run these tests: ${INSTALL[service]}`)
    }
  }
  const problem = known.get(service)
  if (problem === undefined) return true
  if (process.env.CI === 'true') {
    throw new Error(`${problem} (CI=true: a missing service fails the run): ${INSTALL[service]}`)
  }
  return false
}
