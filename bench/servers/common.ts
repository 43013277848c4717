/**
 * What every benchmark server shares: its configuration (from the environment, set by run.ts),
 * the answer body, and the "listening" line run.ts waits for.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The scope GET /orders requires. */
export const SCOPE = 'orders:read'

/** The small JSON body of GET /orders. */
export const ORDERS = { orders: [{ id: 1, item: 'coffee beans', quantity: 2 }] }

export interface ServerConfig {
  port: number
  issuer: string
  jwksUri: string
  audience: string
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`bench server: ${name} is not set (servers are started by run.ts)`)
  return value
}

/** Reads BENCH_PORT, BENCH_ISSUER, BENCH_JWKS_URI and BENCH_AUDIENCE. */
export function serverConfig(): ServerConfig {
  return {
    port: Number(process.env.BENCH_PORT ?? 0),
    issuer: required('BENCH_ISSUER'),
    jwksUri: required('BENCH_JWKS_URI'),
    audience: required('BENCH_AUDIENCE'),
  }
}

/** True when a space-separated `scope` claim holds `wanted`. */
export function hasScope(scope: unknown, wanted: string = SCOPE): boolean {
  return typeof scope === 'string' && scope.split(' ').includes(wanted)
}

/** Listens on 127.0.0.1 and prints `READY <port>` for run.ts. */
export function announce(server: Server, port: number): void {
  server.keepAliveTimeout = 60_000
  server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address() as AddressInfo
    process.stdout.write(`READY ${bound}\n`)
  })
  // run.ts closes stdin (or dies): stop with it
  process.stdin.on('end', () => process.exit(0))
  process.stdin.resume()
}
