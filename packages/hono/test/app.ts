/** Test helpers: a Hono app served over real HTTP by `@hono/node-server`, and tokens. */
import { getRequestListener } from '@hono/node-server'
import type { Hono } from 'hono'
import type { RequestListener } from 'node:http'

export const AUDIENCE = 'https://api.example.com'

/** The app as a Node request listener (supertest serves it on 127.0.0.1). */
export function listen(app: Hono): RequestListener {
  return getRequestListener(app.fetch) as RequestListener
}
