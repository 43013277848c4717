/**
 * `pnpm bench:memory`: the heap a guard keeps after many distinct valid tokens.
 *
 * 100,000 distinct RS256 tokens from the test issuer go through one guard's `authenticate()`,
 * each twice (the verified-token cache admits a token on its second verification) in this
 * process (signed in batches and dropped once used, so only the guard holds on to them), with
 * the heap measured after forced garbage collections before and after, and every 10,000
 * tokens. Needs `node --expose-gc` (the root script passes it).
 *
 *   pnpm bench:memory [--tokens 100000] [--max <jwtCache.max>]
 */
import { createGuard, type Guard, type GuardOptions } from '@bearerguard/core'
import { createTestIssuer } from '@bearerguard/testing'
import { setImmediate as tick } from 'node:timers/promises'
import { parseArgs } from 'node:util'

const AUDIENCE = 'https://orders.bench.example'
const BATCH = 500
const TARGET_MB = 100

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '100000' },
    max: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write('usage: pnpm bench:memory [--tokens 100000] [--max <jwtCache.max>]\n')
  process.exit(0)
}
const total = Number(values.tokens)
if (!Number.isInteger(total) || total < BATCH) throw new RangeError(`--tokens must be ≥ ${BATCH}`)
const max = values.max === undefined ? undefined : Number(values.max)

const collect = (globalThis as { gc?: () => void }).gc
if (!collect) {
  console.error('bench:memory needs node --expose-gc (run it with pnpm bench:memory)')
  process.exit(1)
}

const mb = (bytes: number) => bytes / 2 ** 20

async function heapAfterGc(): Promise<{ heapMB: number; rssMB: number }> {
  for (let i = 0; i < 3; i++) {
    collect?.()
    await tick()
  }
  const usage = process.memoryUsage()
  return { heapMB: mb(usage.heapUsed), rssMB: mb(usage.rss) }
}

/**
 * The number of entries in the guard's verified-token cache, if the guard tells it (a public
 * `stats()`/`cacheStats()` with a `size`, or a numeric `cacheSize`); undefined otherwise.
 */
function cacheSizeOf(guard: Guard): number | undefined {
  const open = guard as unknown as Record<string, unknown>
  for (const method of ['stats', 'cacheStats']) {
    const fn = open[method]
    if (typeof fn === 'function') {
      const stats = (fn as () => unknown).call(guard) as Record<string, unknown> | undefined
      const size = stats?.size ?? (stats?.jwt as Record<string, unknown> | undefined)?.size
      if (typeof size === 'number') return size
    }
  }
  return typeof open.cacheSize === 'number' ? open.cacheSize : undefined
}

const issuer = await createTestIssuer({
  algorithms: ['RS256'],
  audience: AUDIENCE,
  tokenTtl: 3_600,
})
const options: GuardOptions = { issuer: issuer.url, audience: AUDIENCE }
if (max !== undefined) options.jwtCache = { max }
const guard = createGuard(options)
await guard.ready()

let failures = 0
let sequence = 0
async function authenticateBatch(count: number): Promise<void> {
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    tokens.push(await issuer.token({ sub: `user-${sequence++}`, scope: 'orders:read' }))
  }
  for (const token of tokens) {
    // twice: a token is admitted to the verified-token cache on its second verification
    for (let use = 0; use < 2; use++) {
      try {
        await guard.authenticate({
          method: 'GET',
          url: 'http://127.0.0.1/orders',
          headers: { authorization: `Bearer ${token}` },
        })
      } catch {
        failures++
      }
    }
  }
}

// warm up the code paths (their compiled code is not the cache's), then measure
await authenticateBatch(BATCH)
const started = Date.now()
const before = await heapAfterGc()
console.log(
  `bench:memory: ${total.toLocaleString('en-US')} distinct tokens, jwtCache ${max === undefined ? 'default' : `max ${max}`}`,
)
console.log(`  before: heap ${before.heapMB.toFixed(1)} MB, rss ${before.rssMB.toFixed(1)} MB`)
let done = 0
while (done < total) {
  const count = Math.min(BATCH, total - done)
  await authenticateBatch(count)
  done += count
  if (done % 10_000 === 0 || done === total) {
    const now = await heapAfterGc()
    const size = cacheSizeOf(guard)
    console.log(
      `  ${done.toLocaleString('en-US').padStart(7)} tokens: heap ${now.heapMB.toFixed(1)} MB (+${(now.heapMB - before.heapMB).toFixed(1)}), rss ${now.rssMB.toFixed(1)} MB` +
        (size === undefined ? '' : `, cache entries ${size}`),
    )
  }
}
const after = await heapAfterGc()
const growth = after.heapMB - before.heapMB
const size = cacheSizeOf(guard)
console.log(`  after:  heap ${after.heapMB.toFixed(1)} MB, rss ${after.rssMB.toFixed(1)} MB`)
console.log(
  `  heap growth ${growth.toFixed(1)} MB (target ≤ ${TARGET_MB} MB: ${growth <= TARGET_MB ? 'PASS' : 'MISS'}); ` +
    `cache entries: ${size === undefined ? 'not exposed by the guard' : size}; ` +
    `failed authentications: ${failures}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
)
await guard.close()
await issuer.close()
