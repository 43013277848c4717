/**
 * The request mix of the soak: which kinds of credential are sent, in what proportion, what
 * each may be answered, and the token pools behind them (minted by the test issuer up front,
 * plus a stream of never-seen opaque tokens topped up in the background).
 */
import type { TestIssuer } from '@bearerguard/testing'

export const KINDS = [
  'valid-jwt',
  'rotated-jwt',
  'no-scope-jwt',
  'wrong-key-jwt',
  'expired-jwt',
  'no-token',
  'opaque-pooled',
  'opaque-fresh',
] as const
export type Kind = (typeof KINDS)[number]

/** What each kind is for, for the report. */
export const KIND_DESCRIPTIONS: Record<Kind, string> = {
  'valid-jwt': 'JWT with orders:read (pool, RS256/ES256/EdDSA)',
  'rotated-jwt': 'JWT with orders:read signed by a key rotated in during the run',
  'no-scope-jwt': 'valid JWT without orders:read',
  'wrong-key-jwt': "JWT signed by an unpublished key (issuer's kid)",
  'expired-jwt': 'JWT expired an hour ago',
  'no-token': 'no Authorization header',
  'opaque-pooled': 'opaque token from a pool (introspected, then cached)',
  'opaque-fresh': 'opaque token never seen before (always introspected)',
}

/**
 * The answers each kind may get. A 503 is allowed only where the authorization server must be
 * asked (an opaque token whose cached answer expired, or a new one); *when* a 503 may happen
 * (during an outage) is checked separately. Valid JWTs keep verifying with the known keys
 * while the JWKS endpoint is down, so they must never get a 503, let alone a 401. A JWT signed
 * by a key rotated in during an outage cannot be checked until the server is back: a 503, never
 * a 401; how soon it is accepted once the server is reachable is measured separately.
 */
export const ALLOWED_STATUSES: Record<Kind, readonly number[]> = {
  'valid-jwt': [200],
  'rotated-jwt': [200, 503],
  'no-scope-jwt': [403],
  'wrong-key-jwt': [401],
  'expired-jwt': [401],
  'no-token': [401],
  'opaque-pooled': [200, 503],
  'opaque-fresh': [200, 503],
}

/**
 * One rotation of the mix (every connection cycles through it): 13 requests. Until the keys
 * rotate, the `rotated-jwt` slot sends a `valid-jwt`.
 */
export const MIX: readonly Kind[] = [
  'valid-jwt',
  'opaque-pooled',
  'valid-jwt',
  'wrong-key-jwt',
  'valid-jwt',
  'no-token',
  'valid-jwt',
  'opaque-fresh',
  'valid-jwt',
  'expired-jwt',
  'opaque-pooled',
  'no-scope-jwt',
  'rotated-jwt',
]

export interface PoolSizes {
  validJwts: number
  /** Minted when the keys rotate, with the new keys. */
  rotatedJwts: number
  invalidJwts: number
  opaquePooled: number
  /** Never-seen opaque tokens kept ready; refilled in the background. */
  freshReserve: number
}

export const DEFAULT_POOL_SIZES: PoolSizes = {
  validJwts: 1000,
  rotatedJwts: 300,
  invalidJwts: 100,
  opaquePooled: 200,
  freshReserve: 5000,
}

const ALGS = ['RS256', 'ES256', 'EdDSA'] as const

/** The kinds served from a fixed pool minted up front. */
type PooledKind = Exclude<Kind, 'no-token' | 'opaque-fresh' | 'rotated-jwt'>

/** A fixed list handed out round-robin. */
class RoundRobin {
  #next = 0
  constructor(readonly tokens: readonly string[]) {}
  take(): string {
    const token = this.tokens[this.#next % this.tokens.length] as string
    this.#next += 1
    return token
  }
}

/** Credentials for every kind; `take` never blocks (autocannon's setupRequest is sync). */
export class TokenPools {
  /** Fresh opaque tokens wanted while the reserve was empty (a pooled one was sent instead). */
  freshShortfall = 0
  /** Fresh opaque tokens handed out. */
  freshUsed = 0
  readonly #pools: Record<PooledKind, RoundRobin>
  #rotated: RoundRobin | undefined
  readonly #fresh: string[]
  readonly #issuer: TestIssuer
  readonly #reserve: number
  #refilling: Promise<void> | undefined
  #refiller: NodeJS.Timeout | undefined

  private constructor(
    issuer: TestIssuer,
    pools: Record<PooledKind, RoundRobin>,
    fresh: string[],
    reserve: number,
  ) {
    this.#issuer = issuer
    this.#pools = pools
    this.#fresh = fresh
    this.#reserve = reserve
  }

  static async create(issuer: TestIssuer, sizes: PoolSizes): Promise<TokenPools> {
    const now = Math.floor(Date.now() / 1000)
    const many = (n: number, make: (i: number) => Promise<string>) =>
      Promise.all(Array.from({ length: n }, (_, i) => make(i)))
    const alg = (i: number) => ({ alg: ALGS[i % ALGS.length] })
    const pools = {
      'valid-jwt': new RoundRobin(
        await many(sizes.validJwts, (i) =>
          issuer.token({ sub: `user-${i}`, scope: 'orders:read profile' }, alg(i)),
        ),
      ),
      'no-scope-jwt': new RoundRobin(
        await many(sizes.invalidJwts, (i) => issuer.token({ sub: `user-${i}`, scope: 'profile' })),
      ),
      'wrong-key-jwt': new RoundRobin(
        await many(sizes.invalidJwts, (i) =>
          issuer.token({ sub: `user-${i}`, scope: 'orders:read' }, { ...alg(i), key: 'unknown' }),
        ),
      ),
      'expired-jwt': new RoundRobin(
        await many(sizes.invalidJwts, (i) =>
          issuer.token({
            sub: `user-${i}`,
            scope: 'orders:read',
            iat: now - 7200,
            exp: now - 3600,
          }),
        ),
      ),
      'opaque-pooled': new RoundRobin(
        await many(sizes.opaquePooled, (i) =>
          issuer.opaqueToken({ sub: `opaque-${i}`, scope: 'orders:read' }),
        ),
      ),
    }
    const fresh = await many(sizes.freshReserve, () => freshOpaque(issuer))
    return new TokenPools(issuer, pools, fresh, sizes.freshReserve)
  }

  /**
   * Rotates the issuer's keys (the old ones stay published) and mints `count` tokens with the
   * new ones; from then on the `rotated-jwt` slot sends them.
   */
  async rotate(count: number): Promise<void> {
    await this.#issuer.rotateKeys({ keepPrevious: true })
    this.#rotated = new RoundRobin(
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          this.#issuer.token(
            { sub: `rotated-${i}`, scope: 'orders:read profile' },
            { alg: ALGS[i % ALGS.length] },
          ),
        ),
      ),
    )
  }

  /** The token to send for `kind` and the kind it really is (a fresh one may run out). */
  take(kind: Kind): { token: string | undefined; sent: Kind } {
    if (kind === 'no-token') return { token: undefined, sent: kind }
    if (kind === 'rotated-jwt') {
      return this.#rotated
        ? { token: this.#rotated.take(), sent: kind }
        : { token: this.#pools['valid-jwt'].take(), sent: 'valid-jwt' }
    }
    if (kind === 'opaque-fresh') {
      const token = this.#fresh.pop()
      if (token !== undefined) {
        this.freshUsed += 1
        return { token, sent: kind }
      }
      this.freshShortfall += 1
      return { token: this.#pools['opaque-pooled'].take(), sent: 'opaque-pooled' }
    }
    return { token: this.#pools[kind].take(), sent: kind }
  }

  /** A token of `kind` from its pool (for the final health check). */
  sample(kind: PooledKind | 'rotated-jwt'): string {
    if (kind === 'rotated-jwt') return (this.#rotated ?? this.#pools['valid-jwt']).take()
    return this.#pools[kind].take()
  }

  /** Keeps the reserve of fresh opaque tokens topped up until `stop()`. */
  startRefilling(everyMs = 100): void {
    this.#refiller ??= setInterval(() => {
      this.#refilling ??= this.#refill().finally(() => {
        this.#refilling = undefined
      })
    }, everyMs)
  }

  async stop(): Promise<void> {
    clearInterval(this.#refiller)
    this.#refiller = undefined
    await this.#refilling
  }

  async #refill(): Promise<void> {
    while (this.#fresh.length < this.#reserve && this.#refiller) {
      const batch = Math.min(500, this.#reserve - this.#fresh.length)
      const minted = await Promise.all(
        Array.from({ length: batch }, () => freshOpaque(this.#issuer)),
      )
      this.#fresh.push(...minted)
    }
  }
}

let freshCount = 0
function freshOpaque(issuer: TestIssuer): Promise<string> {
  freshCount += 1
  return issuer.opaqueToken({ sub: `fresh-${freshCount}`, scope: 'orders:read' })
}
