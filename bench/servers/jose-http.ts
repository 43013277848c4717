/** A minimal hand-written node:http server with jose: createRemoteJWKSet + jwtVerify. */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { createServer, type ServerResponse } from 'node:http'
import { announce, hasScope, ORDERS, serverConfig } from './common.js'

const { port, issuer, jwksUri, audience } = serverConfig()
const jwks = createRemoteJWKSet(new URL(jwksUri))
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

function reject(res: ServerResponse, status: 401 | 403, error: string): void {
  const challenge = status === 401 && error === '' ? 'Bearer' : `Bearer error="${error}"`
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'WWW-Authenticate': challenge,
  })
  res.end(JSON.stringify(error === '' ? {} : { error }))
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/orders') {
    res.writeHead(404).end()
    return
  }
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (!match) {
    reject(res, 401, '')
    return
  }
  jwtVerify(match[1] as string, jwks, { issuer, audience, algorithms: ['RS256'] }).then(
    ({ payload }) => {
      if (!hasScope(payload.scope)) {
        reject(res, 403, 'insufficient_scope')
        return
      }
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify(ORDERS))
    },
    () => reject(res, 401, 'invalid_token'),
  )
})
announce(server, port)
