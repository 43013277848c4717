/**
 * Reading the `application/x-www-form-urlencoded` body of a POST to an OAuth endpoint, with a
 * bound on its size.
 */
import type { IncomingMessage } from 'node:http'

/**
 * The largest request body the OAuth endpoints read: 64 KiB. Larger bodies get a 413.
 *
 * @example
 * ```ts
 * 'x'.repeat(MAX_FORM_BYTES + 1) // too large: 413
 * ```
 */
export const MAX_FORM_BYTES = 64 * 1024

/** Bytes of an oversized body read and discarded before the connection is dropped instead. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024

/**
 * The outcome of {@link readForm}: the parsed form, an error to answer, or `closed` when the
 * client went away before the body was complete (nothing left to answer).
 *
 * @example
 * ```ts
 * const body: FormBody = { kind: 'error', status: 413, description: 'Request body over 65536 bytes' }
 * ```
 */
export type FormBody =
  | { kind: 'form'; form: URLSearchParams }
  | { kind: 'error'; status: 400 | 413; description: string }
  | { kind: 'closed' }

function isFormContentType(header: string | undefined): boolean {
  const mediaType = (header ?? '').split(';', 1)[0]?.trim().toLowerCase()
  return mediaType === 'application/x-www-form-urlencoded'
}

const tooLarge = (): FormBody => ({
  kind: 'error',
  status: 413,
  description: `Request body over ${MAX_FORM_BYTES} bytes`,
})

/**
 * Keeps reading an oversized body so the client can finish sending and read the 413 (closing
 * a socket with unread data makes the kernel reset it), but drops the connection past a bound.
 */
function discardRest(req: IncomingMessage, alreadyRead: number): void {
  let discarded = alreadyRead
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > MAX_DISCARDED_BYTES) req.socket.destroy()
  })
  req.resume()
}

/**
 * Reads and parses a form-encoded request body (400 for another content type, 413 over
 * {@link MAX_FORM_BYTES}). Never rejects.
 *
 * @example
 * ```ts
 * const body = await readForm(req)
 * if (body.kind === 'form') body.form.get('token')
 * ```
 */
export function readForm(req: IncomingMessage): Promise<FormBody> {
  if (!isFormContentType(req.headers['content-type'])) {
    return Promise.resolve({
      kind: 'error',
      status: 400,
      description: 'The body must be application/x-www-form-urlencoded',
    })
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > MAX_FORM_BYTES) {
    discardRest(req, 0)
    return Promise.resolve(tooLarge())
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (body: FormBody) => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onClosed)
      req.off('close', onClosed)
      resolve(body)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_FORM_BYTES) {
        finish(tooLarge())
        discardRest(req, size)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      const text = Buffer.concat(chunks).toString('utf8')
      finish({ kind: 'form', form: new URLSearchParams(text) })
    }
    const onClosed = () => finish({ kind: 'closed' })
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', onClosed)
    req.once('close', onClosed)
  })
}
