import { describe, expect, it } from 'vitest'
import { redactRequest } from '../src/hooks/redact-request.js'

describe('redactRequest', () => {
  it('removes every credential and keeps the rest', () => {
    const r = redactRequest({
      method: 'POST',
      url: '/orders?page=2&access_token=secret-token#frag',
      headers: {
        authorization: 'Bearer secret-token',
        dpop: 'proof',
        cookie: 'sid=1',
        accept: 'json',
      },
      body: { access_token: 'secret-token', name: 'x' },
    })
    expect(JSON.stringify(r)).not.toContain('secret-token')
    expect(r.headers.accept).toBe('json')
    expect(r.url).toBe('/orders?page=2&access_token=%5Bredacted%5D#frag')
    expect(r.body).toEqual({ access_token: '[redacted]', name: 'x' })
  })
  it('leaves a URL without a token untouched', () => {
    expect(redactRequest({ method: 'GET', url: '/a?b=c', headers: {} }).url).toBe('/a?b=c')
  })
})
