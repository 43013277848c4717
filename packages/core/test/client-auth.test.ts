import { exportJWK, generateKeyPair, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { clientAuthenticator } from '../src/introspection/client-auth.js'

describe('clientAuthenticator', () => {
  it('client_secret_basic form-encodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    const auth = clientAuthenticator({
      method: 'client_secret_basic',
      clientId: 'my app',
      clientSecret: 'p@ss:w/rd',
    })
    const { headers, params } = await auth('https://as.example.com')
    expect(params).toEqual({})
    const decoded = Buffer.from(
      (headers.authorization as string).replace(/^Basic /, ''),
      'base64',
    ).toString()
    expect(decoded).toBe('my+app:p%40ss%3Aw%2Frd')
  })
  it('client_secret_post sends id and secret as form parameters', async () => {
    const auth = clientAuthenticator({
      method: 'client_secret_post',
      clientId: 'api',
      clientSecret: 's',
    })
    expect(await auth('x')).toEqual({
      headers: {},
      params: { client_id: 'api', client_secret: 's' },
    })
  })
  it('private_key_jwt signs an RFC 7523 assertion, a fresh jti each time', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(privateKey)), kid: 'k1' }
    const auth = clientAuthenticator({
      method: 'private_key_jwt',
      clientId: 'api',
      privateKey: jwk,
      alg: 'ES256',
      kid: 'k1',
    })
    const first = await auth('https://as.example.com')
    const second = await auth('https://as.example.com')
    expect(first.params.client_assertion_type).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    )
    expect(first.params.client_id).toBe('api')
    const { payload, protectedHeader } = await jwtVerify(
      first.params.client_assertion as string,
      publicKey,
      {
        issuer: 'api',
        subject: 'api',
        audience: 'https://as.example.com',
      },
    )
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' })
    expect((payload.exp as number) - (payload.iat as number)).toBe(60)
    const { payload: again } = await jwtVerify(second.params.client_assertion as string, publicKey)
    expect(again.jti).not.toBe(payload.jti)
  })
})
