import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'

describe('issuer.fault()', () => {
  let issuer: TestIssuer
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })
  afterAll(() => issuer.close())
  beforeEach(() => {
    issuer.fault('all', undefined)
    issuer.resetCounts()
  })

  it('status: answers with the status and body', async () => {
    issuer.fault('jwks', { type: 'status', status: 503, body: 'down for maintenance' })
    const response = await fetch(issuer.jwksUri)
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await response.text()).toBe('down for maintenance')

    issuer.fault('jwks', { type: 'status', status: 500 })
    const json = await fetch(issuer.jwksUri)
    expect(json.status).toBe(500)
    expect(await json.json()).toEqual({ error: 'injected_fault', status: 500 })
  })

  it('html: answers 200 with an HTML page', async () => {
    issuer.fault('discovery', { type: 'html' })
    const response = await fetch(issuer.discoveryUrls.oauth)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await response.text()).toMatch(/^<!doctype html>/i)
  })

  it('invalid-json: answers 200 application/json that does not parse', async () => {
    issuer.fault('jwks', { type: 'invalid-json' })
    const response = await fetch(issuer.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    await expect(response.json()).rejects.toBeInstanceOf(SyntaxError)
  })

  it('slow: answers normally after the delay', async () => {
    issuer.fault('jwks', { type: 'slow', delayMs: 300 })
    await expect(fetch(issuer.jwksUri, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    })
    const started = performance.now()
    const response = await fetch(issuer.jwksUri)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(await response.json()).toEqual(issuer.jwks())
  })

  it('hang: never answers', async () => {
    issuer.fault('jwks', { type: 'hang' })
    await expect(fetch(issuer.jwksUri, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject(
      {
        name: 'TimeoutError',
      },
    )
    expect(issuer.requestCount('jwks')).toBe(1)
  })

  it('huge: streams the requested number of bytes', async () => {
    const bytes = 3 * 1024 * 1024 + 7
    issuer.fault('jwks', { type: 'huge', bytes })
    const response = await fetch(issuer.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('content-length')).toBeNull()
    const body = await response.text()
    expect(body.length).toBe(bytes)
    expect(body.startsWith('{"keys":[')).toBe(true)
    expect(JSON.parse(body).keys[0].k).toHaveLength(bytes - body.indexOf('"k":"') - 9)

    issuer.fault('jwks', { type: 'huge', bytes: 10, contentLength: true })
    const small = await fetch(issuer.jwksUri)
    expect(small.headers.get('content-length')).toBe('10')
    expect(await small.text()).toBe('{"keys":[{')
  })

  it('huge: stops streaming when the client goes away', async () => {
    issuer.fault('jwks', { type: 'huge', bytes: 512 * 1024 * 1024 })
    const controller = new AbortController()
    const response = await fetch(issuer.jwksUri, { signal: controller.signal })
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(first.value?.byteLength).toBeGreaterThan(0)
    controller.abort()
    // The server is still healthy afterwards.
    issuer.fault('jwks', undefined)
    expect((await fetch(issuer.jwksUri)).status).toBe(200)
  })

  it('redirect: answers 302 with the location', async () => {
    issuer.fault('jwks', { type: 'redirect', location: 'https://evil.example/jwks' })
    const response = await fetch(issuer.jwksUri, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('https://evil.example/jwks')
  })

  it('reset: destroys the connection without answering', async () => {
    issuer.fault('jwks', { type: 'reset' })
    const failure = await fetch(issuer.jwksUri).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(TypeError)
    expect((failure as TypeError).message).toBe('fetch failed')
    expect(issuer.requestCount('jwks')).toBe(1)
  })

  it('clears a fault when given undefined', async () => {
    issuer.fault('jwks', { type: 'status', status: 500 })
    expect((await fetch(issuer.jwksUri)).status).toBe(500)
    issuer.fault('jwks', undefined)
    expect((await fetch(issuer.jwksUri)).status).toBe(200)
  })

  it("'all' faults every endpoint, including unknown paths, until cleared", async () => {
    issuer.fault('all', { type: 'status', status: 502 })
    expect((await fetch(issuer.jwksUri)).status).toBe(502)
    expect((await fetch(issuer.discoveryUrls.openid)).status).toBe(502)
    expect((await fetch(`${issuer.url}/elsewhere`)).status).toBe(502)

    issuer.fault('jwks', { type: 'status', status: 429 })
    expect((await fetch(issuer.jwksUri)).status).toBe(429)
    expect((await fetch(issuer.discoveryUrls.oauth)).status).toBe(502)

    issuer.fault('all', undefined)
    expect((await fetch(issuer.jwksUri)).status).toBe(200)
    expect((await fetch(issuer.discoveryUrls.oauth)).status).toBe(200)
  })

  it('applies a fault a limited number of times', async () => {
    issuer.fault('discovery', { type: 'status', status: 500 }, { times: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(issuer.discoveryUrls.oauth)).status)
    expect(statuses).toEqual([500, 500, 200])
  })

  it('rejects invalid faults', () => {
    expect(() => issuer.fault('jwks', { type: 'status', status: 42 })).toThrow(RangeError)
    expect(() => issuer.fault('jwks', { type: 'slow', delayMs: -1 })).toThrow(RangeError)
    expect(() => issuer.fault('jwks', { type: 'huge', bytes: 1.5 })).toThrow(RangeError)
    expect(() => issuer.fault('jwks', { type: 'nope' } as never)).toThrow(TypeError)
    expect(() => issuer.fault('jwks', { type: 'hang' }, { times: 0 })).toThrow(RangeError)
  })
})
