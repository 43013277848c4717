/** `pnpm start:express`: the decorated controller served by Express. */
import type { AddressInfo } from 'node:net'
import { assertScopesDeclared, bearerAuth, declaredScopes } from '@bearerguard/express'
import express from 'express'
import { OrdersController } from './express-controller.js'
import { printCurls, startIssuerAndGuard, stopOn } from './demo.js'

assertScopesDeclared(OrdersController) // deny by default: every handler must declare its scopes

const { issuer, guard } = await startIssuerAndGuard()
const orders = new OrdersController()
const app = express()
app.use(express.json())
app.get('/health', orders.health) // public: mounted before bearerAuth
app.use(bearerAuth(guard))
app.get('/orders', orders.list) // handlers enforce their own scopes, even unbound
app.post('/orders', orders.create)
app.delete('/orders/:id', orders.remove)

const server = app.listen(Number(process.env.PORT ?? 3002), '127.0.0.1')
await new Promise<void>((resolve) => server.once('listening', resolve))
await printCurls(
  'Express',
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  issuer,
  declaredScopes(OrdersController),
)
stopOn(['SIGINT', 'SIGTERM'], async () => {
  server.closeAllConnections()
  server.close()
  await Promise.all([guard.close(), issuer.close()])
})
