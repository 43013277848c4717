/** Baseline: node:http with no authentication at all. */
import { createServer } from 'node:http'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()
const body = ORDERS

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/orders') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
    return
  }
  res.writeHead(404).end()
})
announce(server, port)
