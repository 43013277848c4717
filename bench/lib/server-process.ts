/**
 * A contender's server in a child process of its own (so the OS can tell its CPU time apart):
 * `node --import tsx [--import servers/without-otel-api.mjs] bench/servers/<name>.ts`, listening
 * on 127.0.0.1. Every contender runs without `@opentelemetry/api` (the preload hides it) but
 * those whose `openTelemetry` is set; `BENCH_OTEL` tells the server which it is. bearerguard's packages
 * resolve to their compiled `dist/` (what users install; `buildPackages()` first), or with
 * `packages: 'source'` to their TypeScript sources (`--conditions=@bearerguard/source`), which
 * tsx compiles on the fly with esbuild's keep-names helper around every function — a small
 * per-call cost a tsc build does not have. It prints `READY <port>` once listening and exits
 * when its stdin closes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Contender } from './contenders.js'
import { cpuTicks } from './proc-cpu.js'

const STDERR_KEPT = 16 * 1024

/** What bearerguard runs from: its compiled packages, or its TypeScript sources. */
export type Packages = 'built' | 'source'

/** `tsc -b tsconfig.build.json` at the repository root: every package's `dist/` up to date. */
export function buildPackages(): void {
  const root = join(import.meta.dirname, '..', '..')
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  })
}

export interface ServerEnv {
  issuer: string
  jwksUri: string
  audience: string
}

export class ServerProcess {
  readonly name: string
  readonly #child: ChildProcess
  #port = 0
  #stderr = ''
  #stderrBytes = 0
  #exited = false

  private constructor(name: string, child: ChildProcess) {
    this.name = name
    this.#child = child
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      this.#stderrBytes += chunk.length
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEPT)
    })
    child.on('exit', () => {
      this.#exited = true
    })
  }

  /**
   * Starts `servers/<server or name>.ts` and resolves once it listens (rejects after
   * `timeoutMs`).
   */
  static async start(
    benchDir: string,
    contender: Pick<Contender, 'name' | 'server' | 'openTelemetry'>,
    env: ServerEnv,
    packages: Packages,
    timeoutMs = 30_000,
  ): Promise<ServerProcess> {
    // BENCH_SERVER_FLAGS: extra node flags for the servers, e.g. --cpu-prof when looking closer
    const extra = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter((flag) => flag !== '')
    // after tsx: hooks registered last run first, so the API is hidden before tsx resolves it
    const withoutOtelApi =
      contender.openTelemetry === undefined
        ? ['--import', pathToFileURL(join(benchDir, 'servers', 'without-otel-api.mjs')).href]
        : []
    const child = spawn(
      process.execPath,
      [
        ...extra,
        ...(packages === 'source' ? ['--conditions=@bearerguard/source'] : []),
        '--import',
        'tsx',
        ...withoutOtelApi,
        join(benchDir, 'servers', `${contender.server ?? contender.name}.ts`),
      ],
      {
        cwd: benchDir,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          BENCH_PORT: '0',
          BENCH_ISSUER: env.issuer,
          BENCH_JWKS_URI: env.jwksUri,
          BENCH_AUDIENCE: env.audience,
          BENCH_OTEL: contender.openTelemetry ?? 'absent',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    const server = new ServerProcess(contender.name, child)
    server.#port = await server.#ready(timeoutMs)
    return server
  }

  #ready(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let out = ''
      let listening = false
      const fail = (why: string) => {
        clearTimeout(timer)
        this.#child.kill('SIGKILL')
        reject(new Error(`${this.name}: ${why}\n${this.#stderr}`))
      }
      const onExit = (code: number | null) => fail(`exited with code ${code} before listening`)
      const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs)
      this.#child.once('exit', onExit)
      this.#child.stdout?.setEncoding('utf8')
      this.#child.stdout?.on('data', (chunk: string) => {
        if (listening) return
        out += chunk
        const match = /READY (\d+)/.exec(out)
        if (match) {
          listening = true
          clearTimeout(timer)
          this.#child.off('exit', onExit)
          out = ''
          resolve(Number(match[1]))
        }
      })
    })
  }

  get port(): number {
    return this.#port
  }

  get pid(): number {
    return this.#child.pid as number
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  get alive(): boolean {
    return !this.#exited
  }

  /** CPU ticks (utime + stime) used by the server so far. */
  cpuTicks(): number {
    return cpuTicks(this.pid)
  }

  /** Characters the server wrote to stderr so far (a logging contender pays for it). */
  get stderrChars(): number {
    return this.#stderrBytes
  }

  /** The last part of its stderr. */
  get stderrTail(): string {
    return this.#stderr
  }

  /** Closes its stdin (it exits), then kills it if still there after `graceMs`. */
  async stop(graceMs = 2_000): Promise<void> {
    if (this.#exited) return
    const exited = once(this.#child, 'exit')
    this.#child.stdin?.end()
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
}
