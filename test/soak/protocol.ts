/**
 * What the soak driver (soak.ts, the parent) and the API under test (server.ts, the child)
 * tell each other: the child's configuration on its command line, then messages over IPC.
 */

/** The adapters the child can serve, by `--adapter`. */
export const ADAPTERS = ['express', 'koa'] as const
export type AdapterName = (typeof ADAPTERS)[number]

/** The child's configuration, passed as one JSON argument. */
export interface ServerConfig {
  adapter: AdapterName
  /** The test issuer's URL; the issuer runs in the parent. */
  issuer: string
  audience: string
  /** Guard `timeout` and `introspection.timeout`, ms. */
  timeoutMs: number
  /** Guard `jwksCacheMaxAge`, s: short, so background JWKS refreshes happen during outages. */
  jwksCacheMaxAge: number
  /** Introspection cache `ttl` and `negativeTtl`, s: short, so cached tokens need re-checking. */
  cacheTtl: number
  /** Introspection cache `max` (entries). */
  cacheMax: number
}

/** Heap figures of the child, taken after two forced GCs. */
export interface HeapSample {
  heapUsed: number
  heapTotal: number
  external: number
  rss: number
}

export type ParentMessage = { type: 'heap'; id: number } | { type: 'stop' }

export type ChildMessage =
  { type: 'ready'; port: number; adapter: string } | ({ type: 'heap'; id: number } & HeapSample)
