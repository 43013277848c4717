/** Bun: the app on Bun.serve, on a free port of 127.0.0.1; prints `READY <port>`. */
import { createRuntimeApp } from '../app.js'

declare const Bun: {
  env: Record<string, string | undefined>
  serve(options: {
    port: number
    hostname: string
    fetch: (request: Request) => Response | Promise<Response>
  }): { port: number }
}

const app = createRuntimeApp(JSON.parse(Bun.env.RUNTIME_APP_CONFIG as string))
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch })
console.log(`READY ${server.port}`)
