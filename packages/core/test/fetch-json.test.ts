import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchJson, UpstreamError } from '../src/http/fetch-json.js'

let server: Server
let base: string
beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}')
      case '/array':
        return res.writeHead(200).end('[1]')
      case '/html':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>')
      case '/500':
        return res.writeHead(500).end('{}')
      case '/redirect':
        return res.writeHead(302, { location: '/ok' }).end()
      case '/big-declared':
        return res.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000))
      case '/big-streamed':
        res.writeHead(200)
        for (let i = 0; i < 100; i++) res.write('x'.repeat(100))
        return res.end()
      case '/slow':
        return void setTimeout(() => res.writeHead(200).end('{}'), 2000).unref()
      case '/reset':
        return req.socket.destroy()
      default:
        return res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const opts = { fetch: globalThis.fetch, timeout: 300, maxBytes: 1000 }
async function reason(path: string): Promise<string> {
  const error = await fetchJson(base + path, opts).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UpstreamError)
  return (error as UpstreamError).reason
}

describe('fetchJson', () => {
  it('returns a JSON object body', async () => {
    expect((await fetchJson(`${base}/ok`, opts)).body).toEqual({ a: 1 })
  })
  it('refuses a body that is not a JSON object', async () =>
    expect(await reason('/array')).toBe('not_object'))
  it('refuses HTML', async () => expect(await reason('/html')).toBe('not_json'))
  it('refuses a 500', async () => expect(await reason('/500')).toBe('status'))
  it('does not follow redirects', async () => expect(await reason('/redirect')).toBe('redirect'))
  it('refuses an oversized body by its declared length', async () =>
    expect(await reason('/big-declared')).toBe('too_large'))
  it('refuses an oversized body while streaming', async () =>
    expect(await reason('/big-streamed')).toBe('too_large'))
  it('times out', async () => expect(await reason('/slow')).toBe('timeout'))
  it('reports a reset connection as a network failure', async () =>
    expect(await reason('/reset')).toBe('network'))
  it('reports a refused connection as a network failure', async () => {
    const error = await fetchJson('http://127.0.0.1:1/', opts).catch((e: unknown) => e)
    expect((error as UpstreamError).reason).toBe('network')
  })
  it('its message never carries the upstream body', async () => {
    const error = (await fetchJson(`${base}/html`, opts).catch((e: unknown) => e)) as Error
    expect(error.message).not.toContain('html')
  })
})
