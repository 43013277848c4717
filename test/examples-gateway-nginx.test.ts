/**
 * examples/gateway-nginx without nginx: a clear message saying what to install and exit code 1,
 * never a stack trace. (The happy path, with nginx, is replayed by examples.test.ts.)
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'gateway-nginx')
let emptyPath: string

beforeAll(async () => {
  emptyPath = await mkdtemp(join(tmpdir(), 'bg-no-nginx-'))
})
afterAll(() => rm(emptyPath, { recursive: true, force: true }))

describe('examples/gateway-nginx without nginx', () => {
  it('says what to install and exits 1 before starting anything', async () => {
    // node itself is started by its path; the example finds nothing on this PATH
    const child = spawn(
      process.execPath,
      ['--conditions=@bearerguard/source', '--import', 'tsx', 'src/main.ts'],
      {
        cwd: dir,
        env: { ...process.env, PATH: emptyPath, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(1)
    expect(output).toContain('this example needs nginx with the auth_request module')
    expect(output).toContain('apt-get install -y nginx')
    expect(output).not.toMatch(/\n\s+at /)
    expect(output).not.toContain('Press Ctrl+C')
  })
})
