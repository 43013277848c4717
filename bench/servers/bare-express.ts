/** Baseline: Express 5 with no authentication. */
import express from 'express'
import { createServer } from 'node:http'
import { announce, ORDERS, serverConfig } from './common.js'

const { port } = serverConfig()
const app = express()
app.get('/orders', (_req, res) => {
  res.json(ORDERS)
})
announce(createServer(app), port)
