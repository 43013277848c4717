import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestIssuer, type TestIssuer } from '../src/index.js'
import { introspect, postForm, TEST_CLIENT_BASIC } from './oauth-client.js'

describe('HTTP handling of the OAuth endpoints', () => {
  let issuer: TestIssuer
  let endpoints: string[]
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    endpoints = [issuer.tokenEndpoint, issuer.introspectionEndpoint, issuer.revocationEndpoint]
  })
  afterAll(() => issuer.close())
  beforeEach(() => {
    issuer.fault('all', undefined)
    issuer.resetCounts()
  })

  it('advertises the endpoints it serves', () => {
    expect(issuer.metadata()).toMatchObject({
      token_endpoint: issuer.tokenEndpoint,
      introspection_endpoint: issuer.introspectionEndpoint,
      revocation_endpoint: issuer.revocationEndpoint,
      introspection_signing_alg_values_supported: ['ES256'],
    })
    expect(issuer.introspectionEndpoint).toBe(`${issuer.url}/introspect`)
  })

  it('answers 405 with Allow: POST to other methods', async () => {
    for (const url of endpoints) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await fetch(url, { method })
        expect(response.status).toBe(405)
        expect(response.headers.get('allow')).toBe('POST')
      }
    }
  })

  it('answers 400 to bodies that are not form-encoded', async () => {
    for (const url of endpoints) {
      for (const contentType of ['application/json', 'text/plain', undefined]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: TEST_CLIENT_BASIC,
            ...(contentType && { 'content-type': contentType }),
          },
          body: contentType === 'application/json' ? '{"token":"x"}' : 'token=x',
        })
        expect(response.status).toBe(400)
        expect(await response.json()).toMatchObject({ error: 'invalid_request' })
      }
    }
    const withCharset = await fetch(issuer.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: TEST_CLIENT_BASIC,
        'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8',
      },
      body: 'token=x',
    })
    expect(withCharset.status).toBe(200)
  })

  it('answers 413 to bodies over 64 KiB, declared or streamed, and keeps serving', async () => {
    const big = `token=${'a'.repeat(64 * 1024)}`
    for (const url of endpoints) {
      const response = await postForm(url, new URLSearchParams(big), {
        authorization: TEST_CLIENT_BASIC,
      })
      expect(response.status).toBe(413)
      expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    }

    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10) return controller.close()
        sent += 1
        controller.enqueue(sent === 1 ? new TextEncoder().encode('token=') : chunk)
      },
    })
    const streamed = await fetch(issuer.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: TEST_CLIENT_BASIC,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)

    const justUnder = `token=${'a'.repeat(64 * 1024 - 'token='.length)}`
    const fits = await postForm(issuer.introspectionEndpoint, new URLSearchParams(justUnder), {
      authorization: TEST_CLIENT_BASIC,
    })
    expect(fits.status).toBe(200)
    expect(await fits.json()).toEqual({ active: false })
  })

  it('answers 400 to repeated parameters', async () => {
    const form = new URLSearchParams('token=a&token=b')
    const response = await postForm(issuer.introspectionEndpoint, form, {
      authorization: TEST_CLIENT_BASIC,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('survives malformed bodies', async () => {
    const response = await fetch(issuer.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: TEST_CLIENT_BASIC,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x3d, 0xff, 0x25, 0x25, 0x26, 0x3d]),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ active: false })
  })

  it('applies faults to the new endpoints before client authentication', async () => {
    issuer.fault('introspection', { type: 'status', status: 503 })
    const unauthenticated = await postForm(issuer.introspectionEndpoint, { token: 'x' })
    expect(unauthenticated.status).toBe(503)
    expect(await unauthenticated.json()).toEqual({ error: 'injected_fault', status: 503 })
    expect(issuer.introspectionRequests()).toEqual([])

    issuer.fault('token', { type: 'html' })
    const html = await postForm(issuer.tokenEndpoint, { grant_type: 'client_credentials' })
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)

    issuer.fault('revocation', { type: 'invalid-json' })
    const invalid = await postForm(issuer.revocationEndpoint, { token: 'x' })
    await expect(invalid.json()).rejects.toBeInstanceOf(SyntaxError)

    issuer.fault('introspection', { type: 'reset' })
    await expect(postForm(issuer.introspectionEndpoint, { token: 'x' })).rejects.toThrow(
      'fetch failed',
    )

    issuer.fault('token', { type: 'redirect', location: 'https://evil.example/token', status: 307 })
    const redirected = await fetch(issuer.tokenEndpoint, { method: 'POST', redirect: 'manual' })
    expect(redirected.status).toBe(307)
    expect(redirected.headers.get('location')).toBe('https://evil.example/token')

    expect(issuer.requestCount('introspection')).toBe(2)
    expect(issuer.requestCount('token')).toBe(2)
    expect(issuer.requestCount('revocation')).toBe(1)
  })

  it('applies slow, hang and huge faults, and a limited number of times', async () => {
    const token = await issuer.opaqueToken()
    issuer.fault('introspection', { type: 'slow', delayMs: 250 })
    const started = performance.now()
    expect(await introspect(issuer.introspectionEndpoint, token)).toMatchObject({ active: true })
    expect(performance.now() - started).toBeGreaterThanOrEqual(240)
    expect(issuer.introspectionRequests()).toHaveLength(1)

    issuer.fault('introspection', { type: 'hang' })
    await expect(
      fetch(issuer.introspectionEndpoint, {
        method: 'POST',
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' })

    issuer.fault('revocation', { type: 'huge', bytes: 100_000 })
    const huge = await postForm(issuer.revocationEndpoint, { token })
    expect((await huge.text()).length).toBe(100_000)

    issuer.fault('all', { type: 'status', status: 502 }, { times: 3 })
    const statuses = []
    for (const url of [...endpoints, issuer.introspectionEndpoint]) {
      statuses.push((await postForm(url, { token }, { authorization: TEST_CLIENT_BASIC })).status)
    }
    expect(statuses).toEqual([502, 502, 502, 200])
  })
})
