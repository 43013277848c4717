/** `pnpm start:koa`: the decorated controller served by Koa. */
import type { AddressInfo } from 'node:net'
import { assertScopesDeclared, bearerAuth, declaredScopes } from '@bearerguard/koa'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { OrdersController } from './koa-controller.js'
import { printCurls, startIssuerAndGuard, stopOn } from './demo.js'

assertScopesDeclared(OrdersController)

const { issuer, guard } = await startIssuerAndGuard()
const orders = new OrdersController()
const router = new Router()
router.get('/health', orders.health) // public: mounted before bearerAuth
router.use(bearerAuth(guard))
router.get('/orders', orders.list)
router.post('/orders', orders.create)
router.delete('/orders/:id', orders.remove)
const app = new Koa()
app.use(bodyParser()).use(router.routes())

const server = app.listen(Number(process.env.PORT ?? 3003), '127.0.0.1')
await new Promise<void>((resolve) => server.once('listening', resolve))
await printCurls(
  'Koa',
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  issuer,
  declaredScopes(OrdersController),
)
stopOn(['SIGINT', 'SIGTERM'], async () => {
  server.closeAllConnections()
  server.close()
  await Promise.all([guard.close(), issuer.close()])
})
