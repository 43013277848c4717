/**
 * Every response of a load run, column by column: when it arrived, its status, the kind of
 * credential sent, and its latency. autocannon calls the request's `onResponse` (status, kind)
 * and then, synchronously, emits `response` with the latency of that same response.
 */
import { KINDS, type Kind } from './tokens.js'

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
}

export class Recorder {
  readonly times: number[] = []
  readonly statuses: number[] = []
  readonly kinds: number[] = []
  readonly latencies: number[] = []

  get count(): number {
    return this.statuses.length
  }

  /** From a request's `onResponse`. */
  response(status: number, kind: Kind): void {
    this.times.push(Date.now())
    this.statuses.push(status)
    this.kinds.push(KINDS.indexOf(kind))
    this.latencies.push(Number.NaN)
  }

  /** From the instance's `response` event, right after `response()` of the same response. */
  latency(ms: number): void {
    const last = this.latencies.length - 1
    if (last >= 0 && Number.isNaN(this.latencies[last])) this.latencies[last] = ms
  }

  kindAt(i: number): Kind {
    return KINDS[this.kinds[i] as number] as Kind
  }

  /** Counts by status, keys in ascending order. */
  byStatus(filter: (i: number) => boolean = () => true): Record<string, number> {
    const counts = new Map<number, number>()
    for (let i = 0; i < this.count; i++) {
      if (!filter(i)) continue
      const status = this.statuses[i] as number
      counts.set(status, (counts.get(status) ?? 0) + 1)
    }
    return Object.fromEntries([...counts].sort(([a], [b]) => a - b).map(([s, n]) => [`${s}`, n]))
  }

  /** Counts by status for every kind of credential. */
  byKind(): Record<Kind, Record<string, number>> {
    const result = {} as Record<Kind, Record<string, number>>
    KINDS.forEach((kind, k) => {
      result[kind] = this.byStatus((i) => this.kinds[i] === k)
    })
    return result
  }

  /** p50, p99 and max latency (ms) of the responses `filter` keeps. */
  latencySummary(filter: (i: number) => boolean = () => true): LatencySummary {
    const values: number[] = []
    for (let i = 0; i < this.count; i++) {
      const ms = this.latencies[i] as number
      if (filter(i) && !Number.isNaN(ms)) values.push(ms)
    }
    return summarize(values)
  }

  /** Responses per second of the run, with counts by status, from `start` (ms since epoch). */
  timeline(
    start: number,
  ): Array<{ second: number; total: number; statuses: Record<string, number> }> {
    const seconds = new Map<number, Map<number, number>>()
    for (let i = 0; i < this.count; i++) {
      const second = Math.floor(((this.times[i] as number) - start) / 1000)
      const bucket = seconds.get(second) ?? new Map<number, number>()
      const status = this.statuses[i] as number
      bucket.set(status, (bucket.get(status) ?? 0) + 1)
      seconds.set(second, bucket)
    }
    return [...seconds]
      .sort(([a], [b]) => a - b)
      .map(([second, bucket]) => ({
        second,
        total: [...bucket.values()].reduce((a, b) => a + b, 0),
        statuses: Object.fromEntries(
          [...bucket].sort(([a], [b]) => a - b).map(([s, n]) => [`${s}`, n]),
        ),
      }))
  }
}

function summarize(values: number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 }
  const sorted = Float64Array.from(values).sort()
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number
  const ms = (n: number) => Math.round(n * 100) / 100
  return {
    count: sorted.length,
    p50: ms(at(0.5)),
    p99: ms(at(0.99)),
    max: ms(sorted[sorted.length - 1] as number),
  }
}
