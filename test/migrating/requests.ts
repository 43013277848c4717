/**
 * The requests every migration guide's behaviour table names, against a test issuer: each
 * builds the request (and may break the authorization server until `restore`).
 */
import type { TestIssuer } from '@bearerguard/testing'

export interface MigrationRequest {
  path: string
  headers: Record<string, string>
  /** Undoes what the request set up (e.g. an outage), after it was sent. */
  restore?: () => void
}

type Build = (issuer: TestIssuer, stranger: TestIssuer) => Promise<MigrationRequest>

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const ORDERS = '/api/orders'

/** Row names of the guides' tables → the request. */
export const REQUESTS: Record<string, Build> = {
  'a valid token with orders:read': async (issuer) => ({
    path: ORDERS,
    headers: bearer(await issuer.token({ sub: 'alice', scope: 'orders:read' })),
  }),
  'no token': async () => ({ path: ORDERS, headers: {} }),
  'an expired token': async (issuer) => ({
    path: ORDERS,
    headers: bearer(
      await issuer.token({
        sub: 'alice',
        scope: 'orders:read',
        iat: 1_700_000_000,
        exp: 1_700_000_300,
      }),
    ),
  }),
  'a token for another audience': async (issuer) => ({
    path: ORDERS,
    headers: bearer(
      await issuer.token({ sub: 'alice', scope: 'orders:read', aud: 'https://other.example.com' }),
    ),
  }),
  'a token from an untrusted issuer': async (_issuer, stranger) => ({
    path: ORDERS,
    headers: bearer(await stranger.token({ sub: 'eve', scope: 'orders:read' })),
  }),
  'an unsigned token (alg none)': async (issuer) => ({
    path: ORDERS,
    headers: bearer(await issuer.token({ sub: 'alice', scope: 'orders:read' }, { unsigned: true })),
  }),
  'a valid token without orders:read': async (issuer) => ({
    path: ORDERS,
    headers: bearer(await issuer.token({ sub: 'alice', scope: 'profile' })),
  }),
  'a valid token in the query string': async (issuer) => ({
    path: `${ORDERS}?access_token=${await issuer.token({ sub: 'alice', scope: 'orders:read' })}`,
    headers: {},
  }),
  'a valid token while the authorization server is down': async (issuer) => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' })
    issuer.fault('all', { type: 'status', status: 503 })
    return { path: ORDERS, headers: bearer(token), restore: () => issuer.fault('all', undefined) }
  },
}
