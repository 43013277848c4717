/** Baseline: Koa 3 with @koa/router and no authentication. */
import Router from '@koa/router'
import Koa from 'koa'
import { createServer } from 'node:http'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()
const app = new Koa()
const router = new Router()
router.get('/orders', (ctx) => {
  ctx.body = ORDERS
})
app.use(router.routes())
announce(createServer(app.callback()), port)
