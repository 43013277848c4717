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
  expected: number | string
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
  if (contender.reportsOpenTelemetry) {
    results.push(await openTelemetryCheck(contender, url, cases.length))
  }
  return results
}

/**
 * GET /__otel (servers/otel.ts), after the requests above: whether `@opentelemetry/api`
 * imported in the server and spans record, as the contender's `openTelemetry` says; with the
 * SDK, that it recorded a `bearerguard.authenticate` span and counted an authentication for
 * each of the `requests` (an exporter that counts what it drops; both providers flushed first).
 */
export async function openTelemetryCheck(
  contender: Contender,
  url: string,
  requests: number,
): Promise<CheckResult> {
  const mode = contender.openTelemetry ?? 'absent'
  const expected =
    mode === 'absent'
      ? 'API not importable'
      : mode === 'api'
        ? 'API imported, spans not recording'
        : `API imported, spans recording, ≥ ${requests} bearerguard.authenticate spans and bearerguard.authentications`
  let got: string
  let ok: boolean
  try {
    const res = await fetch(`${url}/__otel`, { signal: AbortSignal.timeout(10_000) })
    if (res.status !== 200) throw new Error(`GET /__otel → ${res.status}`)
    const report = (await res.json()) as {
      api: boolean
      recording: boolean
      spans?: Record<string, number>
      metrics?: Record<string, number>
    }
    const spans = report.spans?.['bearerguard.authenticate'] ?? 0
    const counted = report.metrics?.['bearerguard.authentications'] ?? 0
    got =
      `${report.api ? 'API imported' : 'API not importable'}, spans ${report.recording ? '' : 'not '}recording` +
      (mode === 'sdk'
        ? `, ${spans} bearerguard.authenticate spans, ${counted} bearerguard.authentications (spans by name: ${JSON.stringify(report.spans ?? {})})`
        : '')
    ok =
      mode === 'absent'
        ? !report.api && !report.recording
        : mode === 'api'
          ? report.api && !report.recording
          : report.api && report.recording && spans >= requests && counted >= requests
  } catch (error) {
    got = (error as Error).message
    ok = false
  }
  return { name: 'OpenTelemetry', expected, got, ok }
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
