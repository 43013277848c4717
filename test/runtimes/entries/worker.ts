/**
 * Cloudflare Workers (workerd): the app built once per isolate from the `CONFIG` text binding,
 * kept between requests as long as the isolate lives (so are its guard's key and
 * introspection caches).
 */
import type { Hono } from 'hono'
import { createRuntimeApp } from '../app.js'

let app: Hono | undefined

export default {
  fetch(request: Request, env: { CONFIG: string }): Response | Promise<Response> {
    app ??= createRuntimeApp(JSON.parse(env.CONFIG))
    return app.fetch(request, env)
  },
}
