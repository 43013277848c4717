/**
 * A whole HTTP/1.1 response written on a raw socket — what an `upgrade` listener has instead
 * of a `ServerResponse` — for a refused or failed upgrade. node:http offers no writer for a
 * socket it has handed over, so the few lines are written here.
 */
import type { Duplex } from 'node:stream'

/** Reason phrases of the statuses the gateway writes on a raw socket. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Content Too Large',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/**
 * Writes a whole HTTP/1.1 response with a JSON body on a raw socket (a refused upgrade) and
 * closes it; a socket no longer writable is destroyed.
 *
 * @example
 * ```ts
 * writeRaw(socket, 401, { 'www-authenticate': 'Bearer realm="api"' }, { error: 'unauthorized' })
 * ```
 */
export function writeRaw(
  socket: Duplex,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: object,
): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const text = JSON.stringify(body)
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`]
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  lines.push(
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
  )
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`)
}
