/**
 * The node:http server of an issuer: dispatches requests through the route table, counting them
 * and applying injected faults, and closes every connection on shutdown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { applyFault, type FaultTable } from './faults.js'
import { PendingTimers } from './pending-timers.js'
import type { RequestCounts } from './request-counts.js'
import { sendJson, sendNotFound } from './responses.js'
import { findRoute, type Route } from './routes.js'

/**
 * What the server needs. `routes` is read for every request (it is set once the port is known).
 *
 * @example
 * ```ts
 * const options: IssuerServerOptions = { port: 0, host: '127.0.0.1', routes: () => routes, faults, counts }
 * ```
 */
export interface IssuerServerOptions {
  readonly port: number
  readonly host: string
  routes(): readonly Route[]
  readonly faults: FaultTable
  readonly counts: RequestCounts
}

/**
 * A listening issuer server.
 *
 * @example
 * ```ts
 * const server: IssuerServer = await startIssuerServer(options)
 * server.port // e.g. 54321
 * ```
 */
export interface IssuerServer {
  readonly port: number
  /** Stops listening, cancels pending delays and destroys every open connection. Idempotent. */
  close(): Promise<void>
}

async function dispatch(
  options: IssuerServerOptions,
  timers: PendingTimers,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://issuer.invalid')
  const route = findRoute(options.routes(), url.pathname)
  options.counts.record('all')
  if (route !== undefined) options.counts.record(route.endpoint)

  const fault = options.faults.take(route?.endpoint)
  if (fault !== undefined && (await applyFault(fault, req, res, timers)) === 'handled') return
  if (res.destroyed) return

  if (route === undefined) {
    sendNotFound(res)
    return
  }
  if (!route.methods.includes(req.method ?? '')) {
    sendJson(
      res,
      405,
      { error: 'method_not_allowed', error_description: `Use ${route.methods.join(' or ')}` },
      { allow: route.methods.join(', ') },
    )
    return
  }
  await route.handle({ req, res, url })
}

/**
 * Starts listening; resolves once the port is bound.
 *
 * @example
 * ```ts
 * const server = await startIssuerServer({ port: 0, host: '127.0.0.1', routes: () => routes, faults, counts })
 * await server.close()
 * ```
 */
export function startIssuerServer(options: IssuerServerOptions): Promise<IssuerServer> {
  const timers = new PendingTimers()
  const server = createServer((req, res) => {
    dispatch(options, timers, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy()
        return
      }
      sendJson(res, 500, { error: 'server_error', error_description: String(error) })
    })
  })

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      timers.cancelAll()
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({ port, close })
    })
  })
}
