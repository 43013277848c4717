/**
 * A micro-benchmark run by hand (no test runs it, nothing asserts a time): µs per token of
 * signature verification on this runtime through the node:crypto fast path and through jose's
 * WebCrypto path (the fast path forced off), alone and through the guard's pipeline for a token
 * seen before (the verified-token cache) and for tokens never seen (keys at hand).
 *
 *   npx tsx --conditions=@bearerguard/source packages/core/test/signature-paths.bench.ts
 *
 * On a checkout without `platform/` (before core was portable) it measures the fast path only.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose'
import { createGuard, type Guard } from '../src/index.js'
import { peekJwt } from '../src/jwt/peek-jwt.js'
import { signatureValid, signatureValidNow } from '../src/jwt/verify-signature.js'

const ISSUER = 'https://as.example.com'
const AUDIENCE = 'https://api.example.com'
const TOKENS = Number(process.env.BENCH_TOKENS ?? 3000)

interface Platform {
  override: (builtins: object | 'runtime') => void
  ready: () => Promise<void> | undefined
}
async function platform(): Promise<Platform | undefined> {
  try {
    const builtins = await import('../src/platform/node-builtins.js' as string)
    const fastPath = await import('../src/jwt/signature-fast-path.js' as string)
    return {
      override: builtins.overrideNodeBuiltins,
      ready: () => fastPath.signatureFastPath().tested(),
    }
  } catch {
    return undefined // a checkout from before platform/
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
function tokens(alg: 'RS256' | 'ES256', privateKey: KeyObject, count: number): string[] {
  const head = b64({ alg, typ: 'at+jwt', kid: 'k1' })
  return Array.from({ length: count }, (_, i) => {
    const input = `${head}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: `user-${i}`, exp: 4e9, iat: 1.7e9, jti: `t${i}`, scope: 'orders:read' })}`
    const signature = sign('sha256', Buffer.from(input), {
      key: privateKey,
      ...(alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    })
    return `${input}.${signature.toString('base64url')}`
  })
}

const request = (token: string) => ({
  method: 'GET',
  url: 'https://api.example.com/orders',
  headers: { authorization: `Bearer ${token}` },
})

/** µs per call of `run` over `items`, the best of `rounds`. */
async function measure<T>(
  items: readonly T[],
  run: (item: T) => unknown,
  rounds = 5,
): Promise<number> {
  let best = Infinity
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (const item of items) {
      const result = run(item)
      if (result instanceof Promise) await result
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / items.length)
  }
  return best
}

async function guardFor(jwk: JWK, alg: string, warmToken: string): Promise<Guard> {
  const guard = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: [{ ...jwk, kid: 'k1', alg, use: 'sig' }],
    algorithms: [alg],
  })
  await guard.authenticate(request(warmToken)) // keys imported, fast path tested
  return guard
}

async function paths(alg: 'RS256' | 'ES256', label: string): Promise<Record<string, string>> {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = await exportJWK(publicKey)
  const key = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey
  const all = tokens(alg, privateKey, TOKENS + 1)
  const [warm, ...fresh] = all as [string, ...string[]]
  const peeked = fresh.map((token) => ({ token, jws: peekJwt(token) }))
  const signature = await measure(
    peeked,
    ({ token, jws }) => signatureValidNow(jws, alg, key) ?? signatureValid(token, jws, alg, key),
  )
  // unseen tokens: a new guard per round (a token offered twice is cached)
  let unseen = Infinity
  for (let r = 0; r < 5; r++) {
    const guard = await guardFor(jwk, alg, warm)
    unseen = Math.min(unseen, await measure(fresh, (token) => guard.check(request(token)), 1))
  }
  const guard = await guardFor(jwk, alg, warm)
  await guard.authenticate(request(warm)) // admitted on its second verification
  const same = await measure(
    Array.from({ length: 100_000 }, () => warm),
    (token) => guard.check(request(token)),
  )
  return {
    path: label,
    alg,
    'signature µs': signature.toFixed(1),
    'unseen token µs': unseen.toFixed(1),
    'same token µs': same.toFixed(2),
  }
}

const rows: Record<string, string>[] = []
const found = await platform()
for (const alg of ['RS256', 'ES256'] as const) {
  if (found) {
    found.override('runtime')
    await found.ready()
  }
  rows.push(await paths(alg, found ? 'node:crypto (proven)' : 'node:crypto (before)'))
  if (found) {
    const { Buffer: NodeBuffer } = await import('node:buffer')
    found.override({ Buffer: NodeBuffer }) // node:crypto absent: jose's WebCrypto path
    rows.push(await paths(alg, 'jose (forced)'))
    found.override('runtime')
  }
}
console.table(rows)
