/** One timed slot of load with autocannon: GET /orders, each request with the next token. */
import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  connections: number
  durationS: number
  /** The token of the next request. */
  nextToken: () => string
  /** Stop after this many requests (tokens that may be sent only once); default: time only. */
  amount?: number
}

export interface LoadResult {
  /** Responses received. */
  completed: number
  /** Requests sent (answered or not when the slot ended). */
  sent: number
  durationS: number
  /** Responses per status code. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
  non2xx: number
}

function toLoadResult(result: autocannon.Result): LoadResult {
  const statuses: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stat.count ?? 0
  }
  return {
    completed: result.requests.total,
    sent: result.requests.sent,
    durationS: result.duration,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }
}

/**
 * Runs one slot: loopback, `connections` connections, pipelining 1, for `durationS` seconds
 * (autocannon ends on its 1-second ticks), or fewer when `amount` requests are sent first.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { nextToken } = options
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationS,
        // autocannon notices the end of a slot on these ticks: 0.1 s, not the default 1 s
        sampleInt: 100,
        ...(options.amount === undefined ? {} : { amount: options.amount }),
        // rebuilt per request in every workload, so the client costs the same everywhere
        requests: [
          {
            method: 'GET',
            path: '/orders',
            setupRequest: (request) => ({
              ...request,
              headers: { authorization: `Bearer ${nextToken()}` },
            }),
          },
        ],
      },
      (error, result) => {
        clearTimeout(timer)
        if (error) reject(error instanceof Error ? error : new Error(String(error)))
        else resolve(toLoadResult(result))
      },
    )
    // with `amount` autocannon ignores `duration`: end the slot on time all the same
    if (options.amount !== undefined) {
      timer = setTimeout(() => instance.stop(), Math.max(0, options.durationS * 1000 - 50))
    }
  })
}
