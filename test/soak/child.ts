/**
 * Starts server.ts in a child process and talks to it: its port, its heap after GC, whether it
 * is still alive, and stopping it. The child's output is kept (the last 64 KiB) for the report.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, HeapSample, ParentMessage, ServerConfig } from './protocol.js'

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUTPUT_LIMIT = 64 * 1024

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
  at: number
}

export class ServerProcess {
  /** Set once the child has exited. */
  exit: ExitInfo | undefined
  readonly port: number
  readonly adapterName: string
  readonly #child: ChildProcess
  readonly #log: { text: string }
  #nextId = 1

  private constructor(
    child: ChildProcess,
    port: number,
    adapterName: string,
    log: { text: string },
  ) {
    this.#child = child
    this.port = port
    this.adapterName = adapterName
    this.#log = log
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  /** What the child wrote to stdout and stderr (the end of it). */
  get output(): string {
    return this.#log.text
  }

  static async start(config: ServerConfig, timeoutMs = 30_000): Promise<ServerProcess> {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@bearerguard/source',
        '--import',
        'tsx',
        '--expose-gc',
        SERVER,
        JSON.stringify(config),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    )
    const log = { text: '' }
    const keep = (chunk: Buffer) => {
      log.text = (log.text + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    const ready = new Promise<{ port: number; adapter: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('server.ts did not start in time')),
        timeoutMs,
      )
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer)
          resolve(message)
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`server.ts exited before it was ready (${code ?? signal})\n${log.text}`))
      })
    })
    let started: { port: number; adapter: string }
    try {
      started = await ready
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
    const server = new ServerProcess(child, started.port, started.adapter, log)
    child.once('exit', (code, signal) => {
      server.exit = { code, signal, at: Date.now() }
    })
    return server
  }

  get alive(): boolean {
    return (
      this.exit === undefined && this.#child.exitCode === null && this.#child.signalCode === null
    )
  }

  /** Calls `listener` once if the child exits. */
  onExit(listener: () => void): () => void {
    this.#child.once('exit', listener)
    return () => this.#child.off('exit', listener)
  }

  /** The child's heap after two forced GCs. */
  heap(timeoutMs = 15_000): Promise<HeapSample> {
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error('no heap figures from server.ts in time'))
      }, timeoutMs)
      const onMessage = (message: ChildMessage) => {
        if (message.type !== 'heap' || message.id !== id) return
        cleanup()
        const { heapUsed, heapTotal, external, rss } = message
        resolve({ heapUsed, heapTotal, external, rss })
      }
      const onExit = () => {
        cleanup()
        reject(new Error('server.ts exited'))
      }
      const cleanup = () => {
        clearTimeout(timer)
        this.#child.off('message', onMessage)
        this.#child.off('exit', onExit)
      }
      this.#child.on('message', onMessage)
      this.#child.once('exit', onExit)
      this.#send({ type: 'heap', id })
    })
  }

  /** Asks the child to stop; kills it if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (!this.alive) return
    const exited = once(this.#child, 'exit')
    this.#send({ type: 'stop' })
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }

  #send(message: ParentMessage): void {
    if (this.#child.connected) this.#child.send(message)
  }
}
