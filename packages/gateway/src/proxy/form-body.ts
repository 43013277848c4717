/**
 * Form bodies in reverse-proxy mode. RFC 6750 §2.2 lets a token travel in an
 * `application/x-www-form-urlencoded` body, and a token there must be seen even when that
 * method is off (it is then a 400). So such a body — only that media type, never on GET or
 * HEAD — is read (up to `maxFormBody` bytes), parsed for the guard, and forwarded as read.
 * Every other body streams through untouched.
 */
import type { IncomingMessage } from 'node:http'

/**
 * A form body read for the guard.
 *
 * @example
 * ```ts
 * const form: FormBody = { raw: Buffer.from('a=1'), fields: { a: '1' } }
 * ```
 */
export interface FormBody {
  raw: Buffer
  fields: Record<string, string | string[]>
}

/** The body was larger than allowed. */
export class FormBodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`Form body larger than ${limit} bytes`)
    this.name = 'FormBodyTooLargeError'
  }
}

/**
 * True when `req` carries a form body the guard must see.
 *
 * @example
 * ```ts
 * if (hasFormBody(req)) form = await readFormBody(req, 1024 * 1024)
 * ```
 */
export function hasFormBody(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  return type === 'application/x-www-form-urlencoded'
}

/**
 * Reads and parses the form body; rejects with {@link FormBodyTooLargeError} past `limit`.
 *
 * @example
 * ```ts
 * const { raw, fields } = await readFormBody(req, 1024 * 1024)
 * ```
 */
export async function readFormBody(req: IncomingMessage, limit: number): Promise<FormBody> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new FormBodyTooLargeError(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new FormBodyTooLargeError(limit)
    chunks.push(chunk)
  }
  const raw = Buffer.concat(chunks)
  const fields: Record<string, string | string[]> = Object.create(null)
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
    const seen = fields[key]
    if (seen === undefined) fields[key] = value
    else fields[key] = Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return { raw, fields }
}
