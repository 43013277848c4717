/**
 * The sender-constrained rows of the conformance table: DPoP (RFC 9449) and certificate-bound
 * tokens (RFC 8705). Requests name their host (`api.example.test`), so the URL the adapters see
 * — and each proof's `htu` — is known in advance.
 */
import { createHash, generateKeyPairSync } from 'node:crypto'
import { DpopNonces } from '@bearerguard/core'
import { createDpopKey, dpopProof, type DpopKey, type DpopProofOptions } from '@bearerguard/testing'
import type { CaseContext, CaseRequest, ConformanceCase } from './cases.js'

const HOST = 'api.example.test'
const URL_ME = `http://${HOST}/api/me`
const DPOP = 'RFC 9449 — DPoP'
const MTLS = 'RFC 8705 — certificate-bound tokens'
const PROOF_ERROR = { status: 401, error: 'invalid_dpop_proof' } as const
const INVALID_TOKEN = { status: 401, error: 'invalid_token' } as const
const NONCE_SECRET = 'a-conformance-nonce-secret-32-bytes!!'

let keys: Promise<[DpopKey, DpopKey]> | undefined
/** The client's DPoP key, and another one. */
const dpopKeys = () => (keys ??= Promise.all([createDpopKey('ES256'), createDpopKey('ES256')]))

const boundToken = (c: CaseContext, jkt: string) =>
  c.issuer.token({ sub: 'alice', scope: 'orders:read', cnf: { jkt } })

/** A DPoP request for /api/me: a token bound to the client's key and a proof, both alterable. */
function dpopRequest(
  options: {
    proof?: Partial<DpopProofOptions> & { by?: 'client' | 'other' }
    tokenJkt?: 'client' | 'other' | 'none'
    headers?: (proof: string) => Record<string, string | string[]>
    times?: number
  } = {},
) {
  return async (c: CaseContext): Promise<CaseRequest> => {
    const [client, other] = await dpopKeys()
    const jkt = options.tokenJkt ?? 'client'
    const token =
      jkt === 'none'
        ? await c.issuer.token({ sub: 'alice', scope: 'orders:read' })
        : await boundToken(c, (jkt === 'client' ? client : other).jkt)
    const { by, ...proofOptions } = options.proof ?? {}
    const proof = dpopProof(by === 'other' ? other : client, {
      method: 'GET',
      url: URL_ME,
      accessToken: token,
      ...proofOptions,
    })
    return {
      authorization: `DPoP ${token}`,
      headers: { host: HOST, ...(options.headers ? options.headers(proof) : { dpop: proof }) },
      times: options.times,
    }
  }
}

const certificate = Buffer.from('DER bytes of a client certificate, as far as binding cares')
const otherCertificate = Buffer.from('DER bytes of another certificate')
const x5t = (der: Buffer) => createHash('sha256').update(der).digest('base64url')
const clientCert = (der: Buffer) => `:${der.toString('base64')}:`

function certBoundRequest(header: string | undefined) {
  return async (c: CaseContext): Promise<CaseRequest> => ({
    authorization: `Bearer ${await c.issuer.token({ sub: 'alice', cnf: { 'x5t#S256': x5t(certificate) } })}`,
    headers: header === undefined ? {} : { 'client-cert': header },
  })
}

export const SENDER_CONSTRAINED_CASES: ConformanceCase[] = [
  {
    group: DPOP,
    title: 'Authorization: DPoP <token bound to the key> + a valid proof',
    ref: 'RFC 9449 §7.1',
    request: dpopRequest(),
    expect: { status: 200 },
  },
  {
    group: DPOP,
    title: 'proof htu differs only by RFC 3986 normalisation (case, default port, %-encoding)',
    ref: 'RFC 9449 §4.3 (9); RFC 3986 §6.2.2–6.2.3',
    request: dpopRequest({ proof: { url: `HTTP://API.Example.TEST:80/%61pi/me` } }),
    expect: { status: 200 },
  },
  {
    group: DPOP,
    title: 'no DPoP proof',
    ref: 'RFC 9449 §4.3 (1)',
    request: dpopRequest({ headers: () => ({}) }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'two DPoP proofs',
    ref: 'RFC 9449 §4.3 (1)',
    request: dpopRequest({ headers: (proof) => ({ dpop: [proof, proof] }) }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof typ is JWT, not dpop+jwt',
    ref: 'RFC 9449 §4.3 (4)',
    request: dpopRequest({ proof: { header: { typ: 'JWT' } } }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof alg none',
    ref: 'RFC 9449 §4.3 (5)',
    request: dpopRequest({
      headers: (proof) => ({ dpop: `${proof.split('.').slice(0, 2).join('.')}.` }),
    }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof signed with HS256 (a symmetric algorithm)',
    ref: 'RFC 9449 §4.3 (5)',
    request: dpopRequest({
      proof: {
        header: { alg: 'HS256' },
        signWith: { alg: 'HS256', key: new TextEncoder().encode('s'.repeat(32)) },
      },
    }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof jwk holds a private key',
    ref: 'RFC 9449 §4.3 (7)',
    request: async (c) => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      return dpopRequest({
        proof: {
          header: { jwk: privateKey.export({ format: 'jwk' }) },
          signWith: { alg: 'ES256', key: privateKey },
        },
      })(c)
    },
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof signed by a key other than its jwk',
    ref: 'RFC 9449 §4.3 (6)',
    request: async (c) => {
      const [, other] = await dpopKeys()
      return dpopRequest({ proof: { signWith: { alg: 'ES256', key: other.privateKey } } })(c)
    },
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof htm is another method',
    ref: 'RFC 9449 §4.3 (8)',
    request: dpopRequest({ proof: { method: 'POST' } }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof htu is another URL',
    ref: 'RFC 9449 §4.3 (9)',
    request: dpopRequest({ proof: { url: 'http://api.example.test/api/orders' } }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof ath is the hash of another token',
    ref: 'RFC 9449 §4.3 (12)',
    request: dpopRequest({ proof: { accessToken: 'another-access-token' } }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof iat five minutes old',
    ref: 'RFC 9449 §4.3 (11)',
    request: dpopRequest({ proof: { iat: Math.floor(Date.now() / 1000) - 300 } }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'the same proof sent twice (jti replay)',
    ref: 'RFC 9449 §11.1',
    request: dpopRequest({ times: 2 }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'proof by another key than the token’s cnf.jkt',
    ref: 'RFC 9449 §4.3 (12), §6.1',
    request: dpopRequest({ tokenJkt: 'other' }),
    expect: PROOF_ERROR,
  },
  {
    group: DPOP,
    title: 'a token not bound to any key, sent with DPoP',
    ref: 'RFC 9449 §7.1',
    request: dpopRequest({ tokenJkt: 'none' }),
    expect: INVALID_TOKEN,
  },
  {
    group: DPOP,
    title: 'a DPoP-bound token sent as Bearer',
    ref: 'RFC 9449 §7.2',
    request: async (c) => {
      const [client] = await dpopKeys()
      return { authorization: `Bearer ${await boundToken(c, client.jkt)}` }
    },
    expect: INVALID_TOKEN,
  },
  {
    group: DPOP,
    title: 'DPoP in Authorization and Bearer in the query at once',
    ref: 'RFC 9449 §7.1; RFC 6750 §2',
    guard: { bearerMethods: ['header', 'query'] },
    request: async (c) => ({ ...(await dpopRequest()(c)), query: 'access_token=abc' }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    group: DPOP,
    title: 'dpop: required, a Bearer token',
    ref: 'RFC 9449 §7.1',
    guard: { dpop: 'required' },
    request: async (c) => ({ authorization: `Bearer ${await c.issuer.token({ sub: 'a' })}` }),
    expect: INVALID_TOKEN,
  },
  {
    group: DPOP,
    title: 'dpop: disabled, the DPoP scheme is another scheme',
    ref: 'RFC 9449 §7.1; RFC 6750 §3.1',
    guard: { dpop: 'disabled' },
    request: dpopRequest(),
    expect: { status: 401, bare: true },
  },
  {
    group: DPOP,
    title: 'server nonces on, a proof without nonce',
    ref: 'RFC 9449 §9',
    guard: { dpop: { nonce: { secret: NONCE_SECRET } } },
    request: dpopRequest(),
    expect: { status: 401, error: 'use_dpop_nonce' },
  },
  {
    group: DPOP,
    title: 'server nonces on, a proof with the current nonce',
    ref: 'RFC 9449 §9',
    guard: { dpop: { nonce: { secret: NONCE_SECRET } } },
    request: (c) => {
      const nonces = new DpopNonces({
        secrets: [new TextEncoder().encode(NONCE_SECRET)],
        lifetime: 300,
      })
      return dpopRequest({ proof: { nonce: nonces.current(Date.now()) } })(c)
    },
    expect: { status: 200 },
  },
  {
    group: MTLS,
    title: 'certificate-bound token with its certificate (trusted Client-Cert header)',
    ref: 'RFC 8705 §3; RFC 9440 §2',
    guard: { mtls: { certificateHeader: 'client-cert' } },
    request: certBoundRequest(clientCert(certificate)),
    expect: { status: 200 },
  },
  {
    group: MTLS,
    title: 'certificate-bound token without a certificate',
    ref: 'RFC 8705 §3',
    guard: { mtls: { certificateHeader: 'client-cert' } },
    request: certBoundRequest(undefined),
    expect: INVALID_TOKEN,
  },
  {
    group: MTLS,
    title: 'certificate-bound token with another certificate',
    ref: 'RFC 8705 §3',
    guard: { mtls: { certificateHeader: 'client-cert' } },
    request: certBoundRequest(clientCert(otherCertificate)),
    expect: INVALID_TOKEN,
  },
  {
    group: MTLS,
    title: 'Client-Cert header when no proxy is trusted to set it',
    ref: 'RFC 8705 §3; RFC 9440 §4',
    request: certBoundRequest(clientCert(certificate)),
    expect: INVALID_TOKEN,
  },
]
