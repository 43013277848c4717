/**
 * Every example end to end: it starts (with its embedded authorization server), and each curl
 * command it prints, labelled `# <status>: …`, answers with that status when replayed. Then
 * it stops cleanly on SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAvailable, type SystemService } from './support/system-services.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const examples = join(root, 'examples')

/**
 * Examples compiled by tsc before they run (their entry is the compiled `.js`, started with
 * plain node): the NestJS one, built as Nest users build (decorator metadata), and the
 * packages it runs from (dist/, as installed).
 */
const builds: Record<string, string[][]> = {
  'nestjs-api': [
    ['-b', 'packages/nestjs', 'packages/testing'],
    ['-p', 'examples/nestjs-api'],
  ],
}

/** Each example, and the system service it starts, if any. */
const cases: Array<
  [name: string, dir: string, entry: string, minCommands: number, needs?: SystemService]
> = [
  ['express-api', 'express-api', 'src/main.ts', 6],
  ['koa-api', 'koa-api', 'src/main.ts', 6],
  ['fastify-api', 'fastify-api', 'src/main.ts', 8],
  ['decorators (Express)', 'decorators', 'src/express-main.ts', 6],
  ['decorators (Koa)', 'decorators', 'src/koa-main.ts', 6],
  [
    'gateway-nginx (nginx auth_request → bearerguard-gateway)',
    'gateway-nginx',
    'src/main.ts',
    7,
    'nginx',
  ],
  ['mcp-server', 'mcp-server', 'src/main.ts', 7],
  ['mcp-hono', 'mcp-hono', 'src/main.ts', 8],
  ['multi-issuer', 'multi-issuer', 'src/main.ts', 9],
  ['multi-tenant', 'multi-tenant', 'src/main.ts', 9],
  ['nestjs-api (tsc-compiled NestJS 12)', 'nestjs-api', 'dist/main.js', 8],
  ['introspection-redis', 'introspection-redis', 'src/main.ts', 8, 'redis-server'],
]

interface Command {
  status: number
  label: string
  method: string
  url: string
  headers: Record<string, string>
  body: string | undefined
}

/** The `# <status>: label` + `curl …` pairs an example printed. */
function commands(output: string): Command[] {
  const found: Command[] = []
  const pattern = /^# (\d{3}): (.*)\ncurl -i (.*)$/gm
  for (const [, status, label, rest] of output.matchAll(pattern)) {
    const line = rest as string
    const headers: Record<string, string> = {}
    for (const [, name, value] of line.matchAll(/-H '([^:]+): ([^']*)'/g))
      headers[(name as string).toLowerCase()] = value as string
    found.push({
      status: Number(status),
      label: label as string,
      method: /-X (\w+)/.exec(line)?.[1] ?? 'GET',
      url: /(http:\/\/\S+)/.exec(line)?.[1] as string,
      headers,
      body: /-d '([^']*)'/.exec(line)?.[1],
    })
  }
  return found
}

// An example that starts nginx or redis-server is skipped only when the service is missing
// outside CI; see test/support/system-services.ts.
for (const [name, dir, entry, minCommands, needs] of cases) {
  describe.skipIf(needs !== undefined && !serviceAvailable(needs))(`example ${name}`, () => {
    let child: ChildProcess
    let output = ''

    beforeAll(async () => {
      for (const args of builds[dir] ?? []) {
        execFileSync(join(root, 'node_modules', '.bin', 'tsc'), args, { cwd: root, stdio: 'pipe' })
      }
      child = spawn(
        process.execPath,
        entry.endsWith('.js')
          ? [entry]
          : ['--conditions=@bearerguard/source', '--import', 'tsx', entry],
        {
          cwd: join(examples, dir),
          env: { ...process.env, PORT: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 30_000)
        const poll = setInterval(() => {
          if (!output.includes('Ctrl+C')) return
          clearInterval(poll)
          clearTimeout(timer)
          resolve()
        }, 50)
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
      })
    }, 120_000) // a build first (tsc) for the compiled examples

    afterAll(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    })

    it('prints ready-to-paste curl commands with a 200, a 401 and a 403 among them', () => {
      const statuses = commands(output).map((c) => c.status)
      expect(statuses.length).toBeGreaterThanOrEqual(minCommands)
      expect(statuses).toEqual(expect.arrayContaining([200, 401, 403]))
    })

    it('prints no colour codes when its output is not a terminal', () => {
      expect(output).not.toContain('\x1b[')
    })

    it('every printed command answers with the status it is labelled with', async () => {
      for (const command of commands(output)) {
        const res = await fetch(command.url, {
          method: command.method,
          headers: command.headers,
          body: command.body,
        })
        expect({ label: command.label, status: res.status }).toEqual({
          label: command.label,
          status: command.status,
        })
        if (res.status === 401 || res.status === 403) {
          expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /)
        }
      }
    })

    it('stops cleanly on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    })
  })
}
