/** The answers each contender must give before it is timed. */
import type { Contender } from './contenders.js'

export interface CheckTokens {
  valid: string
  noScope: string
  badSignature: string
  opaque: string
}

export interface CheckResult {
  name: string
  expected: number
  got: number | string
  ok: boolean
}

/** GET /orders with an optional bearer token; the status, or the error's message. */
export async function statusOf(url: string, token?: string): Promise<number | string> {
  try {
    const res = await fetch(`${url}/orders`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    })
    await res.arrayBuffer()
    return res.status
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * Baselines: a valid token → 200 (they ignore it). Others: valid → 200, none → 401, bad
 * signature → 401, lacking orders:read → 403, opaque → 200 with introspection, else 401.
 */
export async function runChecks(
  contender: Contender,
  url: string,
  tokens: CheckTokens,
): Promise<CheckResult[]> {
  const cases: Array<{ name: string; token: string | undefined; expected: number }> = contender.bare
    ? [{ name: 'valid token', token: tokens.valid, expected: 200 }]
    : [
        { name: 'valid token', token: tokens.valid, expected: 200 },
        { name: 'no token', token: undefined, expected: 401 },
        { name: 'bad signature', token: tokens.badSignature, expected: 401 },
        { name: 'scope missing', token: tokens.noScope, expected: 403 },
        {
          name: 'opaque token',
          token: tokens.opaque,
          expected: contender.introspection ? 200 : 401,
        },
      ]
  const results: CheckResult[] = []
  for (const { name, token, expected } of cases) {
    const got = await statusOf(url, token)
    results.push({ name, expected, got, ok: got === expected })
  }
  return results
}

/** Sends every token once (`concurrency` at a time); the statuses seen, with their counts. */
export async function sendEach(
  url: string,
  tokens: readonly string[],
  concurrency = 16,
): Promise<Map<number | string, number>> {
  const seen = new Map<number | string, number>()
  let next = 0
  const worker = async () => {
    while (next < tokens.length) {
      const status = await statusOf(url, tokens[next++])
      seen.set(status, (seen.get(status) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return seen
}
