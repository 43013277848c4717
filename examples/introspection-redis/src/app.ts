/** The example API: one scoped route, and a log-out that revokes the caller's token everywhere. */
import { authErrorHandler, bearerAuth, requireScopes, type Guard } from '@bearerguard/express'
import express from 'express'

/** What the API needs to revoke a token at the authorization server (RFC 7009). */
export interface Revocation {
  endpoint: string
  clientId: string
  clientSecret: string
}

/** Builds one instance of the API; `name` goes into every answer so you can tell them apart. */
export function createApp(name: string, guard: Guard, revocation: Revocation): express.Express {
  const app = express()
  app.use((_req, res, next) => {
    res.setHeader('X-Instance', name)
    next()
  })
  app.use('/api', bearerAuth(guard))

  app.get('/api/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ instance: name, orders: [], for: req.auth?.subject })
  })

  // Log out: revoke the token at the authorization server, then evict it from the shared cache
  // (and, by the Redis broadcast, from every instance's memory) so no instance accepts it again.
  app.post('/api/logout', async (req, res, next) => {
    const token = req.auth?.token as string
    try {
      const basic = Buffer.from(`${revocation.clientId}:${revocation.clientSecret}`)
      const answer = await fetch(revocation.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic.toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(3000),
      })
      if (!answer.ok) throw new Error(`revocation endpoint answered ${answer.status}`)
      await guard.revoke(token)
      res.status(204).end()
    } catch (error) {
      next(error)
    }
  })

  app.use(authErrorHandler())
  return app
}
