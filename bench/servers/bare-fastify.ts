/** Baseline: Fastify 5 and no authentication. */
import Fastify from 'fastify'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()
const app = Fastify()
app.get('/orders', () => ORDERS)
await app.ready()
announce(app.server, port)
