/** Node: the app on @hono/node-server, on a free port of 127.0.0.1; prints `READY <port>`. */
import { serve } from '@hono/node-server'
import { createRuntimeApp } from '../app.js'

const app = createRuntimeApp(JSON.parse(process.env.RUNTIME_APP_CONFIG as string))
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`READY ${info.port}`)
})
