/** Reading the Prometheus text format the gateway's `/metrics` answers, for exact assertions. */

/** One sample: its metric name (`…_total`, `…_count`, `…_bucket`), labels and value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Every sample of an exposition (comments left out). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    if (!match) throw new Error(`not a sample line: ${line}`)
    const [, name = '', body = '', value = ''] = match
    const labels: Record<string, string> = {}
    for (const [, label = '', raw = ''] of body.matchAll(LABEL)) {
      labels[label] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    }
    samples.push({ name, labels, value: Number(value) })
  }
  return samples
}

/** A label set written as `a="x",b="y"`, names sorted: one key per series. */
export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',')
}

/**
 * The series of sample name `name` (a counter's `…_total`, a histogram's `…_count`): label key
 * → value, every series there is.
 */
export function series(samples: readonly Sample[], name: string): Record<string, number> {
  const found: Record<string, number> = {}
  for (const sample of samples) {
    if (sample.name === name) found[labelKey(sample.labels)] = sample.value
  }
  return found
}

/** The label key of `labels` (to write expected series). */
export const key = (labels: Record<string, string> = {}): string => labelKey(labels)

/** Fetches and parses a `/metrics` endpoint. */
export async function scrape(base: string): Promise<Sample[]> {
  const res = await fetch(`${base}/metrics`)
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
  return parseSamples(await res.text())
}
