/** Small shared pieces of the tests: keys as the guard makes them, a bounded poll, a logger. */
import { createHash } from 'node:crypto'
import type { IntrospectionCacheEntry } from '@bearerguard/core'
import type { Redis } from 'ioredis'

/** A cache key as the guard makes it: SHA-256 (base64url) of the issuer and the token. */
export const keyFor = (token: string, issuer = 'https://as.example.com') =>
  createHash('sha256').update(`${issuer}\n${token}`).digest('base64url')

export const activeEntry = (sub = 'alice'): IntrospectionCacheEntry => ({
  active: true,
  issuer: 'https://as.example.com',
  claims: { sub, scope: 'orders:read', client_id: 'web', exp: 4_102_444_800 },
})

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 20 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** A logger that keeps what it is told. */
export function captureLogger() {
  const warnings: string[] = []
  const infos: string[] = []
  return {
    warnings,
    infos,
    warn: (message: string) => void warnings.push(message),
    info: (message: string) => void infos.push(message),
  }
}

/** How many times the server has run `command` since its stats were reset. */
export async function callsOf(raw: Redis, command: string): Promise<number> {
  const info = await raw.info('commandstats')
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)
  return match ? Number(match[1]) : 0
}

/** How long `work` takes to settle, and how it settled. */
export async function timed(
  work: () => Promise<unknown>,
): Promise<{ ms: number; ok: boolean; value?: unknown; error?: unknown }> {
  const started = performance.now()
  try {
    const value = await work()
    return { ms: performance.now() - started, ok: true, value }
  } catch (error) {
    return { ms: performance.now() - started, ok: false, error }
  }
}
