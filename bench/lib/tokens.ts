/** The tokens each workload sends, made before any slot is timed. */
import { base64url, type TestIssuer } from '@bearerguard/testing'
import { randomBytes, randomUUID } from 'node:crypto'
import { SCOPE } from '../servers/common.js'

/**
 * The JWS header type of every benchmark token: `JWT`, as Auth0, Entra ID and Keycloak sign
 * theirs, and accepted by every contender (Hono's `hono/jwk` refuses RFC 9068's `at+jwt`).
 */
export const TOKEN_HEADER = { typ: 'JWT' } as const

/** A valid access token for GET /orders (scope orders:read), signed RS256 by the test issuer. */
export function validToken(issuer: TestIssuer, sub: string): Promise<string> {
  return issuer.token({ sub, scope: SCOPE }, { header: TOKEN_HEADER })
}

/** `count` distinct valid tokens, signed one after another; `onProgress` every 5,000. */
export async function validTokens(
  issuer: TestIssuer,
  count: number,
  prefix: string,
  onProgress?: (done: number) => void,
): Promise<string[]> {
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    tokens.push(await validToken(issuer, `${prefix}-${i}`))
    if (onProgress && (i + 1) % 5_000 === 0) onProgress(i + 1)
  }
  return tokens
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

/**
 * `count` distinct tokens that look valid (the issuer's header with its `kid`, its claims with a
 * fresh `jti` and `sub`, unexpired) but whose RS256 signature is 256 random bytes: only the
 * signature check can reject them, and none names an unknown key.
 */
export function badSignatureTokens(template: string, count: number): string[] {
  const [headerPart, payloadPart] = template.split('.')
  const payload = decodePart(payloadPart)
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    const claims = { ...payload, jti: randomUUID(), sub: `forged-${i}` }
    tokens.push(
      `${headerPart}.${base64url(JSON.stringify(claims))}.${randomBytes(256).toString('base64url')}`,
    )
  }
  return tokens
}

/** `count` opaque tokens known to the issuer's introspection endpoint, scope orders:read. */
export async function opaqueTokens(issuer: TestIssuer, count: number): Promise<string[]> {
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    tokens.push(await issuer.opaqueToken({ sub: `opaque-${i}`, scope: SCOPE }))
  }
  return tokens
}
