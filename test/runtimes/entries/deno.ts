/** Deno: the app on Deno.serve, on a free port of 127.0.0.1; prints `READY <port>`. */
import { createRuntimeApp } from '../app.js'

declare const Deno: {
  env: { get(name: string): string | undefined }
  serve(
    options: { port: number; hostname: string; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown
}

const app = createRuntimeApp(JSON.parse(Deno.env.get('RUNTIME_APP_CONFIG') as string))
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`READY ${port}`) },
  app.fetch,
)
