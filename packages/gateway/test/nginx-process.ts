/**
 * A real nginx (Debian's, with auth_request) for tests: in the foreground, in a temporary
 * prefix with every temp path inside it, listening on 127.0.0.1 only; stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Nginx {
  url: string
  errors(): Promise<string>
  stop(): Promise<void>
}

/** A free port of 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createServer }) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    }, reject)
  })
}

/**
 * Starts nginx with the `http { server { … } }` parts a test writes; the rest (temp paths, pid,
 * logs) is set here. Rejects with a message saying what to install when nginx cannot be run.
 *
 * @example
 * ```ts
 * const nginx = await startNginx((port) => `server { listen 127.0.0.1:${port}; return 204; }`)
 * await nginx.stop()
 * ```
 */
export async function startNginx(serverBlock: (port: number) => string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'bg-nginx-'))
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  await writeFile(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${serverBlock(port)}
}
`,
  )
  const child: ChildProcess = spawn(
    'nginx',
    ['-p', dir, '-c', conf, '-e', join(dir, 'startup.log')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // A spawn failure (nginx not installed: ENOENT) is an 'error' event, never an 'exit': without
  // a listener it would be an uncaught exception, so it becomes this start's rejection.
  let spawnError: Error | undefined
  child.on('error', (error) => {
    spawnError ??= error
  })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (spawnError) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(
        `cannot run nginx (${spawnError.message}): install it with the auth_request module, ` +
          'e.g. apt-get install -y nginx',
      )
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
      throw new Error(`nginx did not start: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    errors: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
