/** The tiny upstream behind nginx: it trusts the identity headers nginx passes on. */
import { createServer, type Server } from 'node:http'

/**
 * GET /health, GET /orders, POST /orders (201) and GET /me, answering with the identity it
 * was given.
 *
 * @example
 * ```ts
 * createUpstream().listen(3000, '127.0.0.1')
 * ```
 */
export function createUpstream(): Server {
  return createServer((req, res) => {
    req.resume()
    const identity = {
      subject: req.headers['x-auth-subject'],
      clientId: req.headers['x-auth-client-id'],
      scopes: req.headers['x-auth-scopes'],
      tenant: req.headers['x-auth-tenant'],
    }
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/health') return send(200, { ok: true })
    if (path === '/orders' && req.method === 'POST')
      return send(201, { created: true, by: identity })
    if (path === '/orders') return send(200, { orders: [{ id: 1, item: 'tea' }], for: identity })
    if (path === '/me') return send(200, identity)
    send(404, { error: 'not_found' })
  })
}
