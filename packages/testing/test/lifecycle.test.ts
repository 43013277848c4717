import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createTestIssuer } from '../src/index.js'

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

describe('request counting', () => {
  it('counts requests per endpoint, faulted ones included, and resets', async () => {
    const issuer = await createTestIssuer({ path: '/t', algorithms: ['ES256'] })
    try {
      expect(issuer.requestCount('jwks')).toBe(0)
      await fetch(issuer.jwksUri)
      await fetch(issuer.jwksUri)
      await fetch(issuer.discoveryUrls.oauth)
      await fetch(issuer.discoveryUrls.openid)
      issuer.fault('discovery', { type: 'status', status: 500 })
      await fetch(issuer.discoveryUrls.openid)
      await fetch(`${issuer.origin}/unknown`)
      expect(issuer.requestCount('jwks')).toBe(2)
      expect(issuer.requestCount('discovery')).toBe(3)
      expect(issuer.requestCount('all')).toBe(6)

      issuer.resetCounts()
      expect(issuer.requestCount('jwks')).toBe(0)
      expect(issuer.requestCount('all')).toBe(0)
      await fetch(issuer.jwksUri)
      expect(issuer.requestCount('jwks')).toBe(1)
    } finally {
      await issuer.close()
    }
  })
})

describe('issuer.close()', () => {
  it('frees the port and is idempotent', async () => {
    const issuer = await createTestIssuer({ algorithms: ['EdDSA'] })
    const port = issuer.port
    expect((await fetch(issuer.jwksUri)).status).toBe(200) // leaves a keep-alive connection
    expect(await canListen(port)).toBe(false)

    await Promise.all([issuer.close(), issuer.close()])
    await issuer.close()
    expect(await canListen(port)).toBe(true)
    await expect(fetch(issuer.jwksUri)).rejects.toThrow('fetch failed')
  })

  it('can listen on a fixed port', async () => {
    const first = await createTestIssuer({ algorithms: ['EdDSA'] })
    const port = first.port
    await first.close()
    const second = await createTestIssuer({ port, algorithms: ['EdDSA'] })
    try {
      expect(second.url).toBe(`http://127.0.0.1:${port}`)
      await expect(createTestIssuer({ port, algorithms: ['EdDSA'] })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await second.close()
    }
  })

  it('ends hanging and slow requests instead of waiting for them', async () => {
    const issuer = await createTestIssuer({ algorithms: ['EdDSA'] })
    issuer.fault('jwks', { type: 'hang' })
    issuer.fault('discovery', { type: 'slow', delayMs: 60_000 })
    const hanging = fetch(issuer.jwksUri).then(
      () => 'answered',
      () => 'failed',
    )
    const slow = fetch(issuer.discoveryUrls.oauth).then(
      () => 'answered',
      () => 'failed',
    )
    while (issuer.requestCount('all') < 2) await new Promise((resolve) => setTimeout(resolve, 10))

    const started = performance.now()
    await issuer.close()
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(await hanging).toBe('failed')
    expect(await slow).toBe('failed')
    expect(await canListen(issuer.port)).toBe(true)
  })
})
