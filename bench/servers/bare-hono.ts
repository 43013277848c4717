/** Baseline: Hono 4 on Node (@hono/node-server) and no authentication. */
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import type { Server } from 'node:http'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()
const app = new Hono()
app.get('/orders', (c) => c.json(ORDERS))
announce(createAdaptorServer({ fetch: app.fetch }) as Server, port)
